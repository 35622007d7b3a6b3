/* Number formats as Word prints them. Chinese counting follows the usual
 * rules: 十 for 10–19 in the counting forms (十一, not 一十一), 零 / 〇 for an
 * inner zero (一百零一), legal forms always write the leading one (壹拾). */
#include "dn-docx-numfmt.h"

#include <string.h>

static const char *const cn_digits[10] = { "〇", "一", "二", "三", "四", "五", "六", "七", "八", "九" };
static const char *const legal_trad[10] = { "零", "壹", "貳", "參", "肆", "伍", "陸", "柒", "捌", "玖" };
static const char *const legal_simp[10] = { "零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖" };
static const char *const stems[10] = { "甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸" };
static const char *const branches[12] = { "子", "丑", "寅", "卯", "辰", "巳", "午", "未", "申", "酉", "戌", "亥" };

typedef struct {
  const char *const *digits;   /* 1..9 (index 0 unused) */
  const char *ten, *hundred, *thousand, *ten_thousand;
  const char *zero;            /* inner zero */
  gboolean bare_ten;           /* 10–19 as 十, 十一 rather than 一十 */
} CnCounting;

/* Counting numerals below 10^8 (beyond: decimal digits). */
static void
cn_count (GString *out, int n, const CnCounting *c)
{
  if (n <= 0 || n >= 100000000) {
    g_string_append_printf (out, "%d", n);
    return;
  }
  if (n >= 10000) {
    cn_count (out, n / 10000, c);
    g_string_append (out, c->ten_thousand);
    int rest = n % 10000;
    if (rest == 0)
      return;
    if (rest < 1000)
      g_string_append (out, c->zero);
    /* After 萬 the tens never drop their one (一萬零一十). */
    CnCounting inner = *c;
    inner.bare_ten = FALSE;
    cn_count (out, rest, &inner);
    return;
  }
  int d[4] = { n / 1000, n / 100 % 10, n / 10 % 10, n % 10 };
  const char *units[4] = { c->thousand, c->hundred, c->ten, "" };
  gboolean started = FALSE, pending_zero = FALSE;
  for (int i = 0; i < 4; i++) {
    if (d[i] == 0) {
      pending_zero = started;
      continue;
    }
    if (pending_zero)
      g_string_append (out, c->zero);
    pending_zero = FALSE;
    if (!(i == 2 && d[i] == 1 && !started && c->bare_ten))
      g_string_append (out, c->digits[d[i]]);
    g_string_append (out, units[i]);
    started = TRUE;
  }
}

static void
digitwise (GString *out, int n, const char *const *digits)
{
  char buf[16];
  g_snprintf (buf, sizeof buf, "%d", n);
  for (const char *p = buf; *p; p++)
    g_string_append (out, *p >= '0' && *p <= '9' ? digits[*p - '0'] : "-");
}

static void
roman (GString *out, int n, gboolean upper)
{
  static const int vals[] = { 1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1 };
  static const char *const syms[] = { "m", "cm", "d", "cd", "c", "xc", "l", "xl", "x", "ix", "v", "iv", "i" };
  if (n <= 0 || n >= 4000) {
    g_string_append_printf (out, "%d", n);
    return;
  }
  gsize start = out->len;
  for (guint i = 0; i < G_N_ELEMENTS (vals); i++)
    while (n >= vals[i]) {
      g_string_append (out, syms[i]);
      n -= vals[i];
    }
  if (upper)
    for (gsize i = start; i < out->len; i++)
      out->str[i] = g_ascii_toupper (out->str[i]);
}

/* Word's letters: A..Z, then AA..ZZ, AAA.. (the letter repeated). */
static void
letters (GString *out, int n, gboolean upper)
{
  if (n <= 0) {
    g_string_append_printf (out, "%d", n);
    return;
  }
  char c = (char) ((upper ? 'A' : 'a') + (n - 1) % 26);
  for (int i = 0; i <= (n - 1) / 26 && i < 100; i++)
    g_string_append_c (out, c);
}

static gboolean
enclosed (GString *out, int n, gunichar first, int count)
{
  if (n < 1 || n > count)
    return FALSE;
  g_string_append_unichar (out, first + (gunichar) (n - 1));
  return TRUE;
}

char *
dn_docx_format_number (const char *fmt, int value, gboolean *known)
{
  GString *out = g_string_new (NULL);
  gboolean ok = TRUE;
  const CnCounting tw = { cn_digits, "十", "百", "千", "萬", "〇", TRUE };
  const CnCounting tw_k = { cn_digits, "十", "百", "千", "萬", "零", TRUE };
  const CnCounting cn = { cn_digits, "十", "百", "千", "万", "〇", TRUE };
  const CnCounting cn_k = { cn_digits, "十", "百", "千", "万", "零", TRUE };
  const CnCounting legal_t = { legal_trad, "拾", "佰", "仟", "萬", "零", FALSE };
  const CnCounting legal_s = { legal_simp, "拾", "佰", "仟", "万", "零", FALSE };

  if (fmt == NULL || strcmp (fmt, "decimal") == 0 || strcmp (fmt, "decimalHalfWidth") == 0) {
    g_string_append_printf (out, "%d", value);
  } else if (strcmp (fmt, "none") == 0 || strcmp (fmt, "bullet") == 0) {
    /* nothing: the label is lvlText alone */
  } else if (strcmp (fmt, "decimalZero") == 0) {
    g_string_append_printf (out, value >= 0 && value < 10 ? "0%d" : "%d", value);
  } else if (strcmp (fmt, "upperRoman") == 0 || strcmp (fmt, "lowerRoman") == 0) {
    roman (out, value, fmt[0] == 'u');
  } else if (strcmp (fmt, "upperLetter") == 0 || strcmp (fmt, "lowerLetter") == 0) {
    letters (out, value, fmt[0] == 'u');
  } else if (strcmp (fmt, "ordinal") == 0) {
    int m100 = value % 100, m10 = value % 10;
    const char *suf = (m100 >= 11 && m100 <= 13) ? "th" : m10 == 1 ? "st" : m10 == 2 ? "nd" : m10 == 3 ? "rd" : "th";
    g_string_append_printf (out, "%d%s", value, suf);
  } else if (strcmp (fmt, "decimalFullWidth") == 0 || strcmp (fmt, "decimalFullWidth2") == 0) {
    char buf[16];
    g_snprintf (buf, sizeof buf, "%d", value);
    for (const char *p = buf; *p; p++)
      g_string_append_unichar (out, *p >= '0' && *p <= '9' ? 0xFF10 + (gunichar) (*p - '0') : 0xFF0D);
  } else if (strcmp (fmt, "decimalEnclosedCircle") == 0 || strcmp (fmt, "decimalEnclosedCircleChinese") == 0) {
    if (!enclosed (out, value, 0x2460, 20) && !(value >= 21 && value <= 35 && enclosed (out, value - 20, 0x3251, 15)) &&
        !(value >= 36 && value <= 50 && enclosed (out, value - 35, 0x32B1, 15)))
      g_string_append_printf (out, "%d", value);
  } else if (strcmp (fmt, "decimalEnclosedParen") == 0) {
    if (!enclosed (out, value, 0x2474, 20))
      g_string_append_printf (out, "(%d)", value);
  } else if (strcmp (fmt, "decimalEnclosedFullstop") == 0) {
    if (!enclosed (out, value, 0x2488, 20))
      g_string_append_printf (out, "%d.", value);
  } else if (strcmp (fmt, "taiwaneseCounting") == 0) {
    cn_count (out, value, &tw);
  } else if (strcmp (fmt, "taiwaneseCountingThousand") == 0) {
    cn_count (out, value, &tw_k);
  } else if (strcmp (fmt, "chineseCounting") == 0) {
    cn_count (out, value, &cn);
  } else if (strcmp (fmt, "chineseCountingThousand") == 0) {
    cn_count (out, value, &cn_k);
  } else if (strcmp (fmt, "ideographLegalTraditional") == 0) {
    cn_count (out, value, &legal_t);
  } else if (strcmp (fmt, "chineseLegalSimplified") == 0) {
    cn_count (out, value, &legal_s);
  } else if (strcmp (fmt, "taiwaneseDigital") == 0 || strcmp (fmt, "ideographDigital") == 0) {
    digitwise (out, value, cn_digits);
  } else if (strcmp (fmt, "ideographTraditional") == 0) {
    if (value >= 1)
      g_string_append (out, stems[(value - 1) % 10]);
    else
      g_string_append_printf (out, "%d", value);
  } else if (strcmp (fmt, "ideographZodiac") == 0) {
    if (value >= 1)
      g_string_append (out, branches[(value - 1) % 12]);
    else
      g_string_append_printf (out, "%d", value);
  } else if (strcmp (fmt, "ideographZodiacTraditional") == 0) {
    if (value >= 1) {
      g_string_append (out, stems[(value - 1) % 10]);
      g_string_append (out, branches[(value - 1) % 12]);
    } else {
      g_string_append_printf (out, "%d", value);
    }
  } else {
    ok = FALSE;
    g_string_append_printf (out, "%d", value);
  }
  if (known != NULL)
    *known = ok;
  return g_string_free (out, FALSE);
}
