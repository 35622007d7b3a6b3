/* The numbering grammar: recognises the marker that opens a heading or a
 * numbered paragraph (壹、 一、 (一) 1. (1) A. ① and bullets) and its ordinal.
 * Depth is not decided here: dn-sections.c derives it from the order in
 * which marker types appear. */
#include <string.h>

#include "dn-analysis-private.h"

static const char *const type_names[] = { NULL, "zh_formal", "zh_num", "paren_zh", "arabic_dot",
                                          "paren_arabic", "latin_upper", "circled", "bullet" };

const char *
dn_marker_type_name (DnMarkerType type)
{
  if ((guint) type >= G_N_ELEMENTS (type_names))
    return NULL;
  return type_names[type];
}

/* 〇一二三四五六七八九 (plain) and 零壹貳參肆伍陸柒捌玖 (formal), with the
 * variants 叁, 貮 and 兩. A switch, not a scan of those strings: zh_run()
 * asks for every character of every paragraph opening. */
static int
digit_of (gunichar c, gboolean *formal)
{
  int plain;
  switch (c) {
  case 0x3007: plain = 0; break; /* 〇 */
  case 0x4E00: plain = 1; break; /* 一 */
  case 0x4E8C: plain = 2; break; /* 二 */
  case 0x5169: plain = 2; break; /* 兩 */
  case 0x4E09: plain = 3; break; /* 三 */
  case 0x56DB: plain = 4; break; /* 四 */
  case 0x4E94: plain = 5; break; /* 五 */
  case 0x516D: plain = 6; break; /* 六 */
  case 0x4E03: plain = 7; break; /* 七 */
  case 0x516B: plain = 8; break; /* 八 */
  case 0x4E5D: plain = 9; break; /* 九 */
  default: plain = -1; break;
  }
  if (plain >= 0) {
    *formal = FALSE;
    return plain;
  }
  int fancy;
  switch (c) {
  case 0x96F6: fancy = 0; break; /* 零 */
  case 0x58F9: fancy = 1; break; /* 壹 */
  case 0x8CB3: fancy = 2; break; /* 貳 */
  case 0x8CAE: fancy = 2; break; /* 貮, a common variant of 貳 */
  case 0x53C3: fancy = 3; break; /* 參 */
  case 0x53C1: fancy = 3; break; /* 叁 */
  case 0x8086: fancy = 4; break; /* 肆 */
  case 0x4F0D: fancy = 5; break; /* 伍 */
  case 0x9678: fancy = 6; break; /* 陸 */
  case 0x67D2: fancy = 7; break; /* 柒 */
  case 0x634C: fancy = 8; break; /* 捌 */
  case 0x7396: fancy = 9; break; /* 玖 */
  default: return -1;
  }
  *formal = TRUE;
  return fancy;
}

/* Value and kind (formal or plain) of a Chinese numeral; 0 if not one. */
static int
zh_value (const char *s, gsize len, gboolean *formal_out)
{
  int value = 0, cur = 0;
  gboolean any = FALSE, formal = FALSE, plain = FALSE;
  const char *end = s + len;
  for (const char *p = s; p < end; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    gboolean f;
    int d = digit_of (c, &f);
    if (d >= 0) {
      cur = d;
      formal |= f;
      plain |= !f;
      any = TRUE;
      continue;
    }
    if (c == 0x5341 || c == 0x62FE) { /* 十 拾 */
      value += (cur == 0 ? 1 : cur) * 10;
      cur = 0;
      formal |= c == 0x62FE;
      plain |= c == 0x5341;
      any = TRUE;
      continue;
    }
    if (c == 0x767E || c == 0x4F70) { /* 百 佰 */
      value += (cur == 0 ? 1 : cur) * 100;
      cur = 0;
      any = TRUE;
      continue;
    }
    return 0;
  }
  if (!any)
    return 0;
  if (formal_out != NULL)
    *formal_out = formal && !plain;
  return value + cur;
}

int
dn_zh_numeral_value (const char *s, gsize len)
{
  return zh_value (s, len, NULL);
}

void
dn_marker_clear (DnMarker *m)
{
  g_free (m->label);
  g_free (m->raw_prefix);
  memset (m, 0, sizeof *m);
}

static gboolean
is_space_char (gunichar c)
{
  return c == ' ' || c == '\t' || c == 0x3000 || c == 0xA0;
}

static const char *
skip_spaces (const char *p)
{
  while (*p != '\0' && is_space_char (g_utf8_get_char (p)))
    p = g_utf8_next_char (p);
  return p;
}

/* After the spaces at @p: a bullet-like mark (• ` ·) that stood for 、,
 * then a space or tab. */
static gboolean
ocr_mark_after_space (const char *p)
{
  const char *d = skip_spaces (p);
  gunichar dot = g_utf8_get_char (d);
  const char *after = g_utf8_next_char (d);
  return (dot == 0x2022 || dot == '`' || dot == 0x00B7) && (after[0] == ' ' || after[0] == '\t');
}

/* Reads a run of Chinese numeral characters; returns its end. */
static const char *
zh_run (const char *p)
{
  while (*p != '\0') {
    gunichar c = g_utf8_get_char (p);
    gboolean f;
    if (digit_of (c, &f) < 0 && c != 0x5341 && c != 0x62FE && c != 0x767E && c != 0x4F70)
      break;
    p = g_utf8_next_char (p);
  }
  return p;
}

static const char *
digit_run (const char *p, int *value)
{
  int v = 0, n = 0;
  while (*p != '\0' && n < 4) {
    gunichar c = g_utf8_get_char (p);
    if (c >= '0' && c <= '9')
      v = v * 10 + (int) (c - '0');
    else if (c >= 0xFF10 && c <= 0xFF19)
      v = v * 10 + (int) (c - 0xFF10);
    else
      break;
    n++;
    p = g_utf8_next_char (p);
  }
  *value = n > 0 ? v : -1;
  return p;
}

static gboolean
is_bullet_char (gunichar c, gboolean *pua)
{
  *pua = c >= 0xF000 && c <= 0xF0FF;
  return *pua || c == 0x2022 || c == 0x25CF || c == 0x25A0 || c == 0x25A1 || c == 0x25C6 ||
         c == 0x25C7 || c == 0x25CB || c == 0x2027 || c == 0x2023 || c == 0x2043 || c == 0x27A2 ||
         c == 0x2713 || c == 0x00B7 || c == 0x30FB || c == 0x2605 || c == 0x25B6 || c == 0x25BA;
}

static char *
formal_label (int value)
{
  static const char *const units[] = { "", "壹", "貳", "參", "肆", "伍", "陸", "柒", "捌", "玖" };
  if (value <= 0 || value >= 100)
    return NULL;
  GString *s = g_string_new (NULL);
  if (value >= 10) {
    if (value >= 20)
      g_string_append (s, units[value / 10]);
    g_string_append (s, "拾");
  }
  g_string_append (s, units[value % 10]);
  return g_string_free (s, FALSE);
}

/* Core parser; @p is after any markdown prefix. */
static gboolean
parse_at (const char *p, DnMarker *m)
{
  gunichar c = g_utf8_get_char (p);
  const char *q;
  gboolean pua;

  /* (一) （一） (1) （1） */
  if (c == '(' || c == 0xFF08) {
    const char *in = skip_spaces (g_utf8_next_char (p));
    int v;
    q = digit_run (in, &v);
    if (v > 0 && q - in <= 3) {
      q = skip_spaces (q);
      gunichar close = g_utf8_get_char (q);
      if (close == ')' || close == 0xFF09) {
        m->type = DN_MARKER_PAREN_ARABIC;
        m->value = v;
        m->label = g_strdup_printf ("(%d)", v);
        m->rest_offset = (gsize) (g_utf8_next_char (q) - p);
        return TRUE;
      }
    }
    q = zh_run (in);
    if (q > in && q - in <= 9) {
      const char *end = q;
      q = skip_spaces (q);
      gunichar close = g_utf8_get_char (q);
      int zv = zh_value (in, (gsize) (end - in), NULL);
      if ((close == ')' || close == 0xFF09) && zv > 0) {
        m->type = DN_MARKER_PAREN_ZH;
        m->value = zv;
        m->label = g_strdup_printf ("(%.*s)", (int) (end - in), in);
        m->rest_offset = (gsize) (g_utf8_next_char (q) - p);
        return TRUE;
      }
    }
    return FALSE;
  }

  /* 壹、 一、 (and the TOC's OCR forms 壹\t•\t) */
  q = zh_run (p);
  if (q > p && q - p <= 9) {
    gboolean formal = FALSE;
    int zv = zh_value (p, (gsize) (q - p), &formal);
    gunichar sep = g_utf8_get_char (q);
    if (zv > 0 && (sep == 0x3001 || sep == 0xFF0C || sep == ',' || sep == 0xFF0E)) {
      m->type = formal ? DN_MARKER_ZH_FORMAL : DN_MARKER_ZH_NUM;
      m->value = zv;
      m->label = g_strdup_printf ("%.*s、", (int) (q - p), p);
      m->rest_offset = (gsize) (g_utf8_next_char (q) - p);
      return TRUE;
    }
    /* "壹<tab>•<tab>目的": a TOC whose 、 was misread, cells split by tabs,
     * or by spaces once laid out (PDF text, "壹 • 目的"). */
    if (zv > 0 && formal && (sep == '\t' || (sep == ' ' && ocr_mark_after_space (q)))) {
      const char *r = skip_spaces (q);
      gunichar dot = g_utf8_get_char (r);
      if (dot == 0x2022 || dot == '`' || dot == 0x00B7 || dot == 0x3001)
        r = g_utf8_next_char (r);
      m->type = DN_MARKER_ZH_FORMAL;
      m->value = zv;
      m->label = g_strdup_printf ("%.*s、", (int) (q - p), p);
      m->ocr_suspect = dot != 0x3001;
      m->rest_offset = (gsize) (r - p);
      return TRUE;
    }
    return FALSE;
  }
  /* OCR: one unknown character, a tab, a bullet-like mark, a tab (000:30). */
  if (c > 0x2E80) {
    const char *r = g_utf8_next_char (p);
    if (r[0] == '\t' || r[0] == ' ') {
      const char *d = skip_spaces (r);
      gunichar dot = g_utf8_get_char (d);
      const char *after = g_utf8_next_char (d);
      if ((dot == 0x2022 || dot == '`') && (after[0] == '\t' || after[0] == ' ')) {
        m->type = DN_MARKER_ZH_FORMAL;
        m->value = 0; /* unknown: the caller renumbers from the sequence */
        m->label = g_strndup (p, (gsize) (r - p));
        m->ocr_suspect = TRUE;
        m->rest_offset = (gsize) (skip_spaces (after) - p);
        return TRUE;
      }
    }
  }

  /* 1. １． 1、 — not "1.1" (dotted decimal) nor "2.0" nor "3 月". */
  int v;
  q = digit_run (p, &v);
  if (v >= 0 && q > p) {
    gunichar sep = g_utf8_get_char (q);
    if (sep == '.' || sep == 0xFF0E || sep == 0x3001) {
      const char *after = g_utf8_next_char (q);
      gunichar a = g_utf8_get_char (after);
      if ((a >= '0' && a <= '9') || (a >= 0xFF10 && a <= 0xFF19))
        return FALSE;
      if (v == 0)
        return FALSE;
      m->type = DN_MARKER_ARABIC_DOT;
      m->value = v;
      m->label = g_strdup_printf ("%d.", v);
      m->rest_offset = (gsize) (after - p);
      return TRUE;
    }
    return FALSE;
  }

  /* A. — one capital letter, a dot, then a space or a CJK character. */
  if ((c >= 'A' && c <= 'Z') || (c >= 0xFF21 && c <= 0xFF3A)) {
    const char *dot = g_utf8_next_char (p);
    gunichar d = g_utf8_get_char (dot);
    if (d == '.' || d == 0xFF0E) {
      const char *after = g_utf8_next_char (dot);
      gunichar a = g_utf8_get_char (after);
      if (is_space_char (a) || dn_text_is_cjk (a)) {
        gunichar letter = c >= 0xFF21 ? c - 0xFF21 + 'A' : c;
        m->type = DN_MARKER_LATIN_UPPER;
        m->value = (int) (letter - 'A') + 1;
        m->label = g_strdup_printf ("%c.", (char) letter);
        m->rest_offset = (gsize) (after - p);
        return TRUE;
      }
    }
    return FALSE;
  }

  /* ① … ⑳ */
  if (c >= 0x2460 && c <= 0x2473) {
    m->type = DN_MARKER_CIRCLED;
    m->value = (int) (c - 0x2460) + 1;
    m->label = g_strndup (p, (gsize) (g_utf8_next_char (p) - p));
    m->rest_offset = (gsize) (g_utf8_next_char (p) - p);
    return TRUE;
  }

  if (is_bullet_char (c, &pua)) {
    m->type = DN_MARKER_BULLET;
    m->private_use = pua;
    m->label = g_strdup ("•");
    m->rest_offset = (gsize) (g_utf8_next_char (p) - p);
    return TRUE;
  }
  return FALSE;
}

gboolean
dn_marker_parse (const char *text, DnMarker *m)
{
  memset (m, 0, sizeof *m);
  const char *p = skip_spaces (text);
  const char *prefix_start = p;
  /* Markdown list prefixes a converter left ("- " or "* ") or a rendered
   * list bullet ("• ") before a marker; alone they are a bullet. */
  gsize plen = 0;
  if ((p[0] == '-' || p[0] == '*' || p[0] == '+') && (p[1] == ' ' || p[1] == '\t'))
    plen = 1;
  else if (g_str_has_prefix (p, "\xE2\x80\xA2") && (p[3] == ' ' || p[3] == '\t')) /* U+2022 */
    plen = 3;
  if (plen > 0) {
    const char *after = skip_spaces (p + plen);
    DnMarker inner;
    memset (&inner, 0, sizeof inner);
    if (parse_at (after, &inner) && inner.type != DN_MARKER_BULLET) {
      *m = inner;
      m->raw_prefix = g_strndup (prefix_start, (gsize) (after - prefix_start));
      m->rest_offset += (gsize) (after - text);
    } else {
      dn_marker_clear (&inner);
      m->type = DN_MARKER_BULLET;
      m->label = g_strdup ("•");
      m->raw_prefix = g_strndup (p, plen);
      m->rest_offset = (gsize) (after - text);
    }
  } else if (!parse_at (p, m)) {
    memset (m, 0, sizeof *m);
    return FALSE;
  } else {
    m->rest_offset += (gsize) (p - text);
  }
  /* Skip spaces after the marker. */
  const char *rest = skip_spaces (text + m->rest_offset);
  m->rest_offset = (gsize) (rest - text);
  if (m->type == DN_MARKER_ZH_FORMAL && m->value > 0 && m->ocr_suspect) {
    char *fixed = formal_label (m->value);
    if (fixed != NULL) {
      g_free (m->label);
      m->label = g_strconcat (fixed, "、", NULL);
      g_free (fixed);
    }
  }
  return TRUE;
}

gboolean
dn_marker_parse_label (const char *label, DnMarker *m)
{
  /* A label alone: parse "label x" and require nothing but spaces after. */
  char *probe = g_strconcat (label, " x", NULL);
  gboolean ok = dn_marker_parse (probe, m);
  if (ok && strcmp (probe + m->rest_offset, "x") != 0) {
    dn_marker_clear (m);
    ok = FALSE;
  }
  g_free (probe);
  if (!ok) {
    /* Word's "1" or "一" without punctuation. */
    memset (m, 0, sizeof *m);
  }
  return ok;
}

char *
dn_marker_join (const char *label, const char *rest)
{
  gunichar last = dn_text_last_char (label);
  /* 、 and full-width brackets carry their own spacing. */
  gboolean wide = last == 0x3001 || last == 0xFF09 || (last >= 0x2460 && last <= 0x2473);
  return g_strconcat (label, wide ? "" : " ", rest, NULL);
}
