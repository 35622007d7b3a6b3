/* Text helpers for analysis: CJK classes, width folding, residue removal,
 * CJK-aware joining. */
#include <string.h>

#include "dn-analysis-private.h"

gboolean
dn_text_is_han (gunichar c)
{
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FA1F) || c == 0x3007;
}

gboolean
dn_text_is_cjk (gunichar c)
{
  return dn_text_is_han (c) || (c >= 0x3000 && c <= 0x30FF && c != 0x3000) ||
         (c >= 0x3100 && c <= 0x312F) || (c >= 0xFF01 && c <= 0xFF60) ||
         (c >= 0xFE30 && c <= 0xFE4F) || c == 0x2014 || c == 0x2026 || c == 0x00B7 ||
         c == 0x2027;
}

/* Width of @s up to its end, or its first '\n' when @to_newline. A 3-byte
 * sequence, where every CJK character lives, is decoded here (after checking
 * its continuation bytes) rather than by g_utf8_get_char(). */
static guint
width_upto (const char *s, guint limit, gboolean to_newline)
{
  guint w = 0;
  for (const char *p = s; *p != '\0' && w < limit;) {
    guchar b = (guchar) *p;
    if (b < 0x80) {
      if (b == '\n' && to_newline)
        break;
      w++;
      p++;
      continue;
    }
    gunichar c;
    if ((b & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
      c = ((gunichar) (b & 0x0F) << 12) | ((gunichar) (p[1] & 0x3F) << 6) | (gunichar) (p[2] & 0x3F);
      p += 3;
    } else {
      c = g_utf8_get_char (p);
      p = g_utf8_next_char (p);
    }
    /* Wide (g_unichar_iswide) characters are wide under CJK rules too, and
     * so is every CJK Unified Ideograph (the common case, asked first). */
    w += (c >= 0x4E00 && c <= 0x9FFF) || g_unichar_iswide_cjk (c) ? 2 : 1;
  }
  return MIN (w, limit);
}

guint
dn_text_display_width_upto (const char *s, guint limit)
{
  return width_upto (s, limit, FALSE);
}

guint
dn_text_line_width_upto (const char *s, guint limit)
{
  return width_upto (s, limit, TRUE);
}

char *
dn_text_fold_width (const char *s)
{
  GString *out = g_string_sized_new (strlen (s));
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    if (c >= 0xFF01 && c <= 0xFF5E)
      c -= 0xFEE0;
    else if (c == 0x3000)
      c = ' ';
    g_string_append_unichar (out, c);
  }
  return g_string_free (out, FALSE);
}

static const char *const residue_tags[] = { "p", "ul", "ol", "li", "u", "b", "i", "br", "span",
                                            "div", "strong", "em", "font", "sup", "sub", NULL };

/* Length of an HTML tag from the residue list starting at @p, or 0. */
static gsize
residue_tag_len (const char *p)
{
  if (*p != '<')
    return 0;
  const char *q = p + 1;
  if (*q == '/')
    q++;
  for (guint i = 0; residue_tags[i] != NULL; i++) {
    gsize n = strlen (residue_tags[i]);
    if (g_ascii_strncasecmp (q, residue_tags[i], n) != 0)
      continue;
    char after = q[n];
    if (after != '>' && after != ' ' && after != '/')
      continue;
    const char *end = strchr (q + n, '>');
    if (end == NULL || end - p > 200)
      return 0;
    return (gsize) (end - p) + 1;
  }
  return 0;
}

char *
dn_text_strip_residue (const char *s, guint *n_markup, guint *n_bookmarks)
{
  guint markup = 0, bookmarks = 0;
  GString *out = g_string_sized_new (strlen (s));
  const char *p = s;
  while (*p != '\0') {
    /* Copy the plain run up to the next byte that can open residue. */
    gsize plain = strcspn (p, "*<[");
    if (plain > 0) {
      g_string_append_len (out, p, plain);
      p += plain;
      continue;
    }
    if (p[0] == '*' && p[1] == '*') {
      markup++;
      p += 2;
      continue;
    }
    gsize tag = residue_tag_len (p);
    if (tag > 0) {
      /* Block tags (<p> <li> <br> …) stood for line breaks inside a cell. */
      const char *name = p[1] == '/' ? p + 2 : p + 1;
      if (g_ascii_strncasecmp (name, "p", 1) == 0 || g_ascii_strncasecmp (name, "li", 2) == 0 ||
          g_ascii_strncasecmp (name, "br", 2) == 0 || g_ascii_strncasecmp (name, "ul", 2) == 0 ||
          g_ascii_strncasecmp (name, "ol", 2) == 0 || g_ascii_strncasecmp (name, "div", 3) == 0)
        g_string_append_c (out, '\n');
      markup++;
      p += tag;
      continue;
    }
    if (g_str_has_prefix (p, "[bookmark:")) {
      const char *end = strchr (p, ']');
      if (end != NULL) {
        bookmarks++;
        p = end + 1;
        continue;
      }
    }
    g_string_append_c (out, *p);
    p++;
  }
  if (n_markup != NULL)
    *n_markup = markup;
  if (n_bookmarks != NULL)
    *n_bookmarks = bookmarks;
  return g_string_free (out, FALSE);
}

/* Whether @s holds a space the loop below would drop. A dropped space is
 * always followed by a kept CJK character, so "the last kept character" in
 * that loop is simply the character before the space. */
static gboolean
has_cjk_space (const char *s)
{
  for (const char *p = strpbrk (s, " \xE3"); p != NULL; p = strpbrk (p + 1, " \xE3")) {
    gsize width = *p == ' ' ? 1 : 3;
    if (width == 3 && (p[1] != '\x80' || p[2] != '\x80'))
      continue;  /* a character other than U+3000 that starts with 0xE3 */
    const char *next = p + width;
    if (p > s && *next != '\0' && dn_text_is_cjk (g_utf8_get_char (g_utf8_prev_char (p))) &&
        dn_text_is_cjk (g_utf8_get_char (next)))
      return TRUE;
  }
  return FALSE;
}

char *
dn_text_remove_cjk_spaces_map (const char *s, guint *n_removed, gint32 **map_out)
{
  if (map_out != NULL)
    *map_out = NULL;
  if (!has_cjk_space (s)) {
    if (n_removed != NULL)
      *n_removed = 0;
    return g_strdup (s);
  }
  guint removed = 0;
  gsize len = strlen (s);
  gint32 *map = map_out != NULL ? g_new (gint32, len + 1) : NULL;
  GString *out = g_string_sized_new (len);
  gunichar prev = 0;
  const char *p = s;
  while (*p != '\0') {
    gunichar c = g_utf8_get_char (p);
    const char *next = g_utf8_next_char (p);
    gboolean drop = FALSE;
    if ((c == ' ' || c == 0x3000) && dn_text_is_cjk (prev) && *next != '\0')
      drop = dn_text_is_cjk (g_utf8_get_char (next));
    if (map != NULL)
      for (const char *q = p; q < next; q++)
        map[q - s] = (gint32) out->len;
    if (drop) {
      removed++;
    } else {
      g_string_append_len (out, p, next - p);
      prev = c;
    }
    p = next;
  }
  if (map != NULL) {
    map[len] = (gint32) out->len;
    *map_out = map;
  }
  if (n_removed != NULL)
    *n_removed = removed;
  return g_string_free (out, FALSE);
}

char *
dn_text_remove_cjk_spaces (const char *s, guint *n_removed)
{
  return dn_text_remove_cjk_spaces_map (s, n_removed, NULL);
}

static gboolean
is_space (gunichar c)
{
  return c == ' ' || c == '\t' || c == 0x3000 || c == '\v' || c == 0xA0;
}

/* Byte length of @s[0, len) without the spaces dn_text_trim() drops at its end. */
static gsize
trimmed_end (const char *s, gsize len)
{
  const char *end = s + len;
  while (end > s) {
    const char *prev = g_utf8_prev_char (end);
    if (!is_space (g_utf8_get_char (prev)))
      break;
    end = prev;
  }
  return (gsize) (end - s);
}

const char *
dn_text_skip_space (const char *s)
{
  while (*s != '\0' && is_space (g_utf8_get_char (s)))
    s = g_utf8_next_char (s);
  return s;
}

char *
dn_text_trim (const char *s)
{
  const char *start = dn_text_skip_space (s);
  return g_strndup (start, trimmed_end (start, strlen (start)));
}

gunichar
dn_text_last_char (const char *s)
{
  gsize n = strlen (s);
  if (n == 0)
    return 0;
  return g_utf8_get_char (g_utf8_prev_char (s + n));
}

gunichar
dn_text_first_char (const char *s)
{
  return *s == '\0' ? 0 : g_utf8_get_char (s);
}

void
dn_text_join_into (GString *acc, const char *b)
{
  const char *start = dn_text_skip_space (acc->str);
  g_string_erase (acc, 0, (gssize) (start - acc->str));
  g_string_truncate (acc, trimmed_end (acc->str, acc->len));
  const char *tb = dn_text_skip_space (b);
  gsize tb_len = trimmed_end (tb, strlen (tb));
  if (acc->len > 0 && tb_len > 0) {
    gunichar la = g_utf8_get_char (g_utf8_prev_char (acc->str + acc->len)), fb = g_utf8_get_char (tb);
    if (la == '-' && g_unichar_islower (fb) && acc->len >= 2 &&
        g_unichar_isalpha (g_utf8_get_char (g_utf8_prev_char (acc->str + acc->len - 1)))) {
      /* "inter-" + "national": a line-end hyphen inside a word. */
      g_string_truncate (acc, acc->len - 1);
    } else if (la == '-' && g_unichar_isalnum (fb)) {
      /* "APEC-" + "TEL": a hyphenated compound broken at its hyphen. */
    } else if (!dn_text_is_cjk (la) && !dn_text_is_cjk (fb)) {
      g_string_append_c (acc, ' ');
    }
  }
  g_string_append_len (acc, tb, (gssize) tb_len);
}

char *
dn_text_join (const char *a, const char *b)
{
  GString *acc = g_string_new (a);
  dn_text_join_into (acc, b);
  return g_string_free (acc, FALSE);
}

char *
dn_text_reflow (const char *s)
{
  char **lines = g_strsplit (s, "\n", -1);
  GString *acc = g_string_new (NULL);
  for (guint i = 0; lines[i] != NULL; i++)
    dn_text_join_into (acc, lines[i]);
  g_strfreev (lines);
  return g_string_free (acc, FALSE);
}

char *
dn_text_title_key (const char *s)
{
  /* One pass, no GString: analysis calls this on every candidate heading
   * and TOC line. Folding only shortens a character (full-width forms are
   * three bytes, their ASCII one), so the key fits in strlen (s) bytes. */
  char *out = g_malloc (strlen (s) + 1);
  char *o = out;
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    if (c >= 0xFF01 && c <= 0xFF5E)
      c -= 0xFEE0;
    if (is_space (c) || c == '.' || c == 0x2026 || c == 0x00B7 || c == '*' || c == 0x300C ||
        c == 0x300D || c == '"' || c == 0x201C || c == 0x201D || c == 0x2022)
      continue;
    if (c < 0x80)
      *o++ = (char) c;
    else {
      gsize len = (gsize) (g_utf8_next_char (p) - p);
      memcpy (o, p, len);   /* unchanged by folding: copy its bytes as they are */
      o += len;
    }
  }
  while (o > out && (o[-1] == ':' || o[-1] == ','))
    o--;
  *o = '\0';
  return out;
}

gboolean
dn_text_is_terminated (const char *s)
{
  char *t = dn_text_trim (s);
  gsize n = strlen (t);
  gboolean term = FALSE;
  const char *end = t + n;
  /* Skip closing quotes and brackets once. */
  for (int i = 0; i < 2 && end > t; i++) {
    gunichar c = g_utf8_get_char (g_utf8_prev_char (end));
    if (c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == 0xFF1B || c == 0xFF1A || c == '!' ||
        c == '?' || c == ';' || c == ':' || c == '.') {
      term = TRUE;
      break;
    }
    if (c == 0x300D || c == 0x300F || c == 0x201D || c == ')' || c == 0xFF09)
      end = g_utf8_prev_char (end);
    else
      break;
  }
  g_free (t);
  return term;
}

double
dn_text_latin_ratio (const char *s)
{
  guint latin = 0, other = 0;
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    if (c < 0x80 && g_ascii_isalpha ((char) c))
      latin++;
    else if (dn_text_is_han (c))
      other += 2; /* one Han character carries about a word */
  }
  return latin + other == 0 ? 0.0 : (double) latin / (latin + other);
}

guint
dn_text_count_han (const char *s)
{
  guint n = 0;
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p))
    n += dn_text_is_han (g_utf8_get_char (p));
  return n;
}

/* Round brackets, ASCII and full-width, count as one kind: a title opened
 * with "（" is often closed with ")" in extracted text. */
static int
bracket_step (gunichar c)
{
  if (c == '(' || c == 0xFF08)
    return 1;
  if (c == ')' || c == 0xFF09)
    return -1;
  return 0;
}

/* Brackets @s leaves open, and closing ones it has without an opener. */
static void
bracket_balance (const char *s, guint *open, guint *stray)
{
  *open = *stray = 0;
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p)) {
    int step = bracket_step (g_utf8_get_char (p));
    if (step > 0)
      (*open)++;
    else if (step < 0 && *open > 0)
      (*open)--;
    else if (step < 0)
      (*stray)++;
  }
}

guint
dn_text_unclosed_brackets (const char *s)
{
  guint open, stray;
  bracket_balance (s, &open, &stray);
  return open;
}

guint
dn_text_unopened_brackets (const char *s)
{
  guint open, stray;
  bracket_balance (s, &open, &stray);
  return stray;
}

gboolean
dn_text_ends_with_leader_page (const char *s)
{
  const char *end = s + strlen (s);
  while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
    end--;
  const char *d = end;
  while (d > s && g_ascii_isdigit (d[-1]) && end - d < 4)
    d--;
  if (d == end || end - d > 3)
    return FALSE;
  while (d > s && d[-1] == ' ')
    d--;
  /* Three dots, or two ellipses, make a leader; one dot is a sentence. */
  guint dots = 0;
  while (d > s && (d[-1] == '.' || (d - s >= 3 && memcmp (d - 3, "\xE2\x80\xA6", 3) == 0))) {
    if (d[-1] == '.') {
      dots++;
      d--;
    } else {
      dots += 2;
      d -= 3;
    }
  }
  return dots >= 3;
}
