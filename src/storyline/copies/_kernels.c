/* The copies stage's per-token, per-shingle and per-seed loops, in C.

   Profiles put most of the stage in loops that Python can only run per element: finding words
   (`patterns.WORD`) and looking each one up in a table of what it stands for (`tokens.Token`:
   normal form, hash, number flag), marking the words inside quotation marks, MinHash's
   multiply-add-minimum over every shingle and permutation, n-gram hashing, LSH band keys and
   signature agreement over millions of pairs, matching two texts' seeds into exact blocks,
   chaining those blocks into passages, and growing the passages into their flanks.
   Everything else stays in Python and numpy. These functions give exactly what the Python and
   numpy code they replaced gave: tests/copies/test_kernels.py checks them against the regex,
   plain numpy and a plain-Python chaining of blocks.

   A word, as `patterns.WORD` matches it, scanning left to right:
     S[V]*                                 one character of a script written without spaces, or
     \d+(?:[.,/-]\d+)+                     a number with inner separators ("5,456,000"), or
     W+(?:(?:['’‘`´]|-[ \t]*\n[ \t]*)W+)*  letters joined by apostrophes or line-break hyphens,
   where S is a \w character among the CJK ideographs and kana (`patterns.SOLO`) and V a kana
   voicing mark (`patterns.VOICING`), W is any other
   \w or a combining accent (U+0300..U+036F), \d a decimal digit and \w what the re module
   calls a word character (alphanumeric or "_"). */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t len;
} Chars;

/* The scanner's helpers are inlined into one copy of it for each kind of text (see `next_word`),
   so a character is read without a branch on the kind. */
#define SCAN static inline __attribute__((always_inline))

SCAN Py_UCS4 at(const Chars *s, Py_ssize_t i) { return PyUnicode_READ(s->kind, s->data, i); }

SCAN int is_digit(Py_UCS4 c) { return c < 128 ? (c >= '0' && c <= '9') : Py_UNICODE_ISDECIMAL(c); }

SCAN int is_word(Py_UCS4 c) {
    if (c < 128)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    return Py_UNICODE_ISALNUM(c) || (c >= 0x300 && c <= 0x36f);
}

/* A character of Chinese or Japanese: a word of its own (`patterns.SOLO`; the caller has
   checked that it is a word character). */
SCAN int is_solo(Py_UCS4 c) {
    if (c < 0x3005)
        return 0;
    return c <= 0x3007 || (c >= 0x3040 && c <= 0x30ff) || (c >= 0x31f0 && c <= 0x31ff) ||
           (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) ||
           (c >= 0xf900 && c <= 0xfaff) || (c >= 0xff66 && c <= 0xff9d) ||
           (c >= 0x20000 && c <= 0x3ffff);
}

SCAN int is_voicing(Py_UCS4 c) { return c == 0x3099 || c == 0x309a || c == 0xff9e || c == 0xff9f; }

/* A character of a word that runs on (W above). */
SCAN int is_run(Py_UCS4 c) { return is_word(c) && !is_solo(c); }

SCAN int is_apostrophe(Py_UCS4 c) {
    return c == '\'' || c == 0x2019 || c == 0x2018 || c == '`' || c == 0xb4;
}

SCAN Py_ssize_t skip_blanks(const Chars *s, Py_ssize_t i) {
    while (i < s->len && (at(s, i) == ' ' || at(s, i) == '\t'))
        i++;
    return i;
}

SCAN Py_ssize_t skip_word_chars(const Chars *s, Py_ssize_t i) {
    while (i < s->len && is_run(at(s, i)))
        i++;
    return i;
}

SCAN Py_ssize_t skip_digits(const Chars *s, Py_ssize_t i) {
    while (i < s->len && is_digit(at(s, i)))
        i++;
    return i;
}

/* End of the number starting at `i` (a digit), or -1 when no separated group follows. */
SCAN Py_ssize_t number_end(const Chars *s, Py_ssize_t i) {
    Py_ssize_t end = skip_digits(s, i), groups = 0;
    while (end + 1 < s->len) {
        Py_UCS4 c = at(s, end);
        if (!(c == '.' || c == ',' || c == '/' || c == '-') || !is_digit(at(s, end + 1)))
            break;
        end = skip_digits(s, end + 1);
        groups++;
    }
    return groups ? end : -1;
}

/* End of the joined word starting at `i` (a word character). */
SCAN Py_ssize_t joined_end(const Chars *s, Py_ssize_t i) {
    Py_ssize_t end = skip_word_chars(s, i);
    for (;;) {
        Py_ssize_t next = end;
        if (next < s->len && is_apostrophe(at(s, next))) {
            next++;
        } else if (next < s->len && at(s, next) == '-') {
            next = skip_blanks(s, next + 1);
            if (next >= s->len || at(s, next) != '\n')
                break;
            next = skip_blanks(s, next + 1);
        } else {
            break;
        }
        if (next >= s->len || !is_run(at(s, next)))
            break;
        end = skip_word_chars(s, next);
    }
    return end;
}

SCAN int scan_word(const Chars *s, Py_ssize_t *pos, Py_ssize_t *start, Py_ssize_t *end) {
    Py_ssize_t i = *pos;
    while (i < s->len && !is_word(at(s, i)))
        i++;
    if (i >= s->len)
        return 0;
    if (is_solo(at(s, i))) {
        Py_ssize_t e = i + 1;
        while (e < s->len && is_voicing(at(s, e)))
            e++;
        *start = i;
        *end = *pos = e;
        return 1;
    }
    Py_ssize_t e = is_digit(at(s, i)) ? number_end(s, i) : -1;
    *start = i;
    *end = *pos = e >= 0 ? e : joined_end(s, i);
    return 1;
}

/* `expr` run with `k`, a copy of the Chars `s` of a kind the compiler knows: the SCAN helpers
   it calls are inlined once for each kind. */
#define WITH_KIND(s, k, expr)                                                                         \
    do {                                                                                              \
        Chars k = *(s);                                                                               \
        if (k.kind == PyUnicode_1BYTE_KIND) {                                                         \
            k.kind = PyUnicode_1BYTE_KIND;                                                            \
            expr;                                                                                     \
        } else if (k.kind == PyUnicode_2BYTE_KIND) {                                                  \
            k.kind = PyUnicode_2BYTE_KIND;                                                            \
            expr;                                                                                     \
        } else {                                                                                      \
            k.kind = PyUnicode_4BYTE_KIND;                                                            \
            expr;                                                                                     \
        }                                                                                             \
    } while (0)

/* The next word at or after `*pos`: 1 and its bounds, or 0 at the end of the text. */
static int next_word(const Chars *s, Py_ssize_t *pos, Py_ssize_t *start, Py_ssize_t *end) {
    int found;
    WITH_KIND(s, k, found = scan_word(&k, pos, start, end));
    return found;
}

static int chars_of(PyObject *text, Chars *s) {
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "expected str, got %.100s", Py_TYPE(text)->tp_name);
        return -1;
    }
    s->kind = PyUnicode_KIND(text);
    s->data = PyUnicode_DATA(text);
    s->len = PyUnicode_GET_LENGTH(text);
    return 0;
}

/* The table of words seen: a word as written (its characters) -> its token (a tuple: normal
   form, hash, flag), made by the table's function on first sight. Finding a known word here
   costs no new string and no dict probe: the characters are hashed and compared in place.
   The token's items are kept in the slot, to be read without a pointer chase (through the
   tuple to its normal form, a cache miss a word: a third of `tokens`' time). */
typedef struct {
    uint64_t key; /* hash of the characters; 0: an empty slot */
    uint64_t hash;
    PyObject *word;
    PyObject *norm;
    uint8_t flag;
    uint8_t inline_len; /* > 0: the word is ASCII, and its characters are kept here too */
    char chars[14];
} Slot;

typedef struct {
    Slot *slots;
    Py_ssize_t mask, used;
    PyObject *make;    /* word -> token */
    PyObject *numbers; /* the number words (a set), or NULL: every token is made by `make` */
} Table;

static const char TABLE[] = "storyline.copies._kernels.Table";

static void table_free(PyObject *capsule) {
    Table *t = PyCapsule_GetPointer(capsule, TABLE);
    for (Py_ssize_t i = 0; t && i <= t->mask; i++) {
        Py_XDECREF(t->slots[i].word);
        Py_XDECREF(t->slots[i].norm);
    }
    if (t) {
        Py_DECREF(t->make);
        Py_XDECREF(t->numbers);
        PyMem_Free(t->slots);
        PyMem_Free(t);
    }
}

static Table *table_of(PyObject *capsule) { return PyCapsule_GetPointer(capsule, TABLE); }

SCAN uint64_t fnv(const Chars *s, Py_ssize_t start, Py_ssize_t end) {
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a over the code points */
    for (Py_ssize_t i = start; i < end; i++)
        h = (h ^ at(s, i)) * 0x100000001b3ULL;
    return h;
}

static uint64_t chars_key(const Chars *s, Py_ssize_t start, Py_ssize_t end) {
    uint64_t h;
    WITH_KIND(s, k, h = fnv(&k, start, end));
    h ^= h >> 32;
    return h ? h : 1;
}

static int same_chars(const Slot *slot, const Chars *s, Py_ssize_t start, Py_ssize_t end) {
    Py_ssize_t len = end - start;
    if (slot->inline_len) {
        if (slot->inline_len != len)
            return 0;
        if (s->kind == PyUnicode_1BYTE_KIND)
            return memcmp(slot->chars, (const char *)s->data + start, (size_t)len) == 0;
        for (Py_ssize_t i = 0; i < len; i++)
            if ((Py_UCS4)(unsigned char)slot->chars[i] != at(s, start + i))
                return 0;
        return 1;
    }
    PyObject *word = slot->word;
    if (PyUnicode_GET_LENGTH(word) != len)
        return 0;
    int kind = PyUnicode_KIND(word);
    const void *data = PyUnicode_DATA(word);
    if (kind == s->kind)
        return memcmp(data, (const char *)s->data + start * kind, (size_t)(len * kind)) == 0;
    for (Py_ssize_t i = 0; i < len; i++)
        if (PyUnicode_READ(kind, data, i) != at(s, start + i))
            return 0;
    return 1;
}

static int table_grow(Table *t) {
    Py_ssize_t size = 2 * (t->mask + 1);
    Slot *slots = PyMem_Calloc((size_t)size, sizeof(Slot));
    if (slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i <= t->mask; i++) {
        Slot old = t->slots[i];
        if (old.key == 0)
            continue;
        Py_ssize_t j = (Py_ssize_t)(old.key & (uint64_t)(size - 1));
        while (slots[j].key)
            j = (j + 1) & (size - 1);
        slots[j] = old;
    }
    PyMem_Free(t->slots);
    t->slots = slots;
    t->mask = size - 1;
    return 0;
}

/* Tokens are made in C where xxh3 below reads bytes as xxHash does (little-endian) and 64-bit
   products have a 128-bit type; elsewhere every token is made by the table's function. */
#if defined(__SIZEOF_INT128__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__

/* XXH3-64 (seed 0) of 1 to 16 bytes, as xxHash computes it (its specification's short-input
   paths, with the first 56 bytes of its default secret); tests check it against `xxhash`. */
static const uint8_t XXH3_SECRET[56] = {
    0xb8, 0xfe, 0x6c, 0x39, 0x23, 0xa4, 0x4b, 0xbe, 0x7c, 0x01, 0x81, 0x2c, 0xf7, 0x21,
    0xad, 0x1c, 0xde, 0xd4, 0x6d, 0xe9, 0x83, 0x90, 0x97, 0xdb, 0x72, 0x40, 0xa4, 0xa4,
    0xb7, 0xb3, 0x67, 0x1f, 0xcb, 0x79, 0xe6, 0x4e, 0xcc, 0xc0, 0xe5, 0x78, 0x82, 0x5a,
    0xd0, 0x7d, 0xcc, 0xff, 0x72, 0x21, 0xb8, 0x08, 0x46, 0x74, 0xf7, 0x43, 0x24, 0x8e,
};

static inline uint64_t le64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint32_t le32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static uint64_t xxh3_short(const uint8_t *in, size_t len) {
    const uint8_t *k = XXH3_SECRET;
    uint64_t h;
    if (len > 8) {
        uint64_t lo = le64(in) ^ (le64(k + 24) ^ le64(k + 32));
        uint64_t hi = le64(in + len - 8) ^ (le64(k + 40) ^ le64(k + 48));
        unsigned __int128 m = (unsigned __int128)lo * hi;
        h = len + __builtin_bswap64(lo) + hi + ((uint64_t)m ^ (uint64_t)(m >> 64));
        h ^= h >> 37;
        h *= 0x165667919E3779F9ULL;
        return h ^ (h >> 32);
    }
    if (len >= 4) {
        h = (le32(in + len - 4) + ((uint64_t)le32(in) << 32)) ^ (le64(k + 8) ^ le64(k + 16));
        h ^= rotl64(h, 49) ^ rotl64(h, 24);
        h *= 0x9FB21C651E98DF25ULL;
        h ^= (h >> 35) + len;
        h *= 0x9FB21C651E98DF25ULL;
        return h ^ (h >> 28);
    }
    uint32_t joined = ((uint32_t)in[0] << 16) | ((uint32_t)in[len >> 1] << 24) | in[len - 1] | ((uint32_t)len << 8);
    h = joined ^ (uint64_t)(le32(k) ^ le32(k + 4));
    h ^= h >> 33;
    h *= 0xC2B2AE3D27D4EB4FULL;
    h ^= h >> 29;
    h *= 0x165667B19E3779F9ULL;
    return h ^ (h >> 32);
}

/* The token of an ASCII word of 1 to 16 characters, made here as `tokens._token` makes it
   (normal form, xxh3 hash, figure flag), without calling the table's function: a fifth of its
   cost, paid once for each word every worker meets. A word that starts with a letter and is
   joined across a line break ("Vau-\nclier") is left to the function, which takes the hyphen
   out. 1: made; 0: not such a word; -1: an error. */
static int ascii_token(const Table *t, PyObject *word, Slot *made) {
    Py_ssize_t len = PyUnicode_GET_LENGTH(word);
    if (!PyUnicode_IS_ASCII(word) || len == 0 || len > 16)
        return 0;
    const char *raw = (const char *)PyUnicode_DATA(word);
    uint8_t norm[16];
    int figure = raw[0] >= '0' && raw[0] <= '9', letters = 0, digits = 0, same = 1;
    for (Py_ssize_t i = 0; i < len; i++) {
        char c = raw[i];
        if (c == '-' && !figure) /* a line-break hyphen, joined: `_token` takes it out */
            return 0;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        else if (c == '`' || (c == ',' && figure))
            c = c == '`' ? '\'' : '.';
        letters += c >= 'a' && c <= 'z';
        digits += c >= '0' && c <= '9';
        same &= c == raw[i];
        norm[i] = (uint8_t)c;
    }
    made->hash = xxh3_short(norm, (size_t)len);
    made->norm = same ? Py_NewRef(word) : PyUnicode_FromStringAndSize((const char *)norm, len);
    if (made->norm == NULL)
        return -1;
    int flag = figure ? letters <= (digits > 2 ? digits : 2) : PySet_Contains(t->numbers, made->norm);
    if (flag < 0)
        return -1;
    made->flag = (uint8_t)flag;
    return 1;
}
#else
static int ascii_token(const Table *t, PyObject *word, Slot *made) { return 0; }
#endif

/* made->word's token, from the table's function; 0, or -1 on an error. */
static int called_token(const Table *t, Slot *made) {
    PyObject *token = PyObject_CallOneArg(t->make, made->word);
    int flag = -1;
    if (token != NULL && !(PyTuple_Check(token) && PyTuple_GET_SIZE(token) == 3))
        PyErr_Format(PyExc_TypeError, "a token must be a tuple of 3, got %.100s", Py_TYPE(token)->tp_name);
    else if (token != NULL && (flag = PyObject_IsTrue(PyTuple_GET_ITEM(token, 2))) >= 0) {
        made->hash = PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(token, 1));
        made->norm = Py_NewRef(PyTuple_GET_ITEM(token, 0));
        made->flag = (uint8_t)flag;
    }
    Py_XDECREF(token);
    return flag < 0 || (made->hash == (uint64_t)-1 && PyErr_Occurred()) ? -1 : 0;
}

/* The slot of text[start:end] (whose chars_key is `key`): found, or made (by the table's
   function) and kept; NULL on an error. Read it at once: the next call may move the slots. */
static const Slot *lookup(Table *t, PyObject *text, const Chars *s, Py_ssize_t start, Py_ssize_t end, uint64_t key) {
    for (Py_ssize_t i = (Py_ssize_t)(key & (uint64_t)t->mask); t->slots[i].key; i = (i + 1) & t->mask)
        if (t->slots[i].key == key && same_chars(&t->slots[i], s, start, end))
            return &t->slots[i];
    Slot made = {.key = key};
    made.word = PyUnicode_Substring(text, start, end);
    int how = made.word == NULL ? -1 : t->numbers ? ascii_token(t, made.word, &made) : 0;
    if (how == 0)
        how = called_token(t, &made);
    /* the call may have used (and grown) the table: find the free slot afresh */
    if (how < 0 || (2 * (t->used + 1) > t->mask + 1 && table_grow(t) < 0)) {
        Py_XDECREF(made.word);
        Py_XDECREF(made.norm);
        return NULL;
    }
    if (PyUnicode_IS_ASCII(made.word) && end - start <= (Py_ssize_t)sizeof(made.chars)) {
        made.inline_len = (uint8_t)(end - start);
        memcpy(made.chars, PyUnicode_DATA(made.word), (size_t)(end - start));
    }
    Py_ssize_t i = (Py_ssize_t)(key & (uint64_t)t->mask);
    while (t->slots[i].key)
        i = (i + 1) & t->mask;
    t->slots[i] = made;
    t->used++;
    return &t->slots[i];
}

PyDoc_STRVAR(word_table_doc,
             "word_table(make, numbers=None, /) -> table\n\n"
             "An empty table of words seen: the kernels look each word as written up there, and\n"
             "call make(word) (a tuple: normal form, hash below 2**64, flag) on first sight.\n"
             "Given `numbers` (a set of number words), a short ASCII word's token is made in C\n"
             "instead, as `tokens._token` makes it.");

static PyObject *word_table(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    PyObject *make = nargs >= 1 ? args[0] : NULL, *numbers = nargs == 2 ? args[1] : Py_None;
    if (nargs < 1 || nargs > 2 || !PyCallable_Check(make) ||
        !(numbers == Py_None || PyAnySet_Check(numbers))) {
        PyErr_SetString(PyExc_TypeError, "word_table(make: callable, numbers: set | None = None)");
        return NULL;
    }
    Table *t = PyMem_Calloc(1, sizeof(Table));
    Slot *slots = PyMem_Calloc(1024, sizeof(Slot));
    PyObject *capsule = t && slots ? PyCapsule_New(t, TABLE, table_free) : NULL;
    if (capsule == NULL) {
        PyMem_Free(t);
        PyMem_Free(slots);
        return PyErr_Occurred() ? NULL : PyErr_NoMemory();
    }
    *t = (Table){slots, 1023, 0, Py_NewRef(make), numbers == Py_None ? NULL : Py_NewRef(numbers)};
    return capsule;
}

PyDoc_STRVAR(table_size_doc, "table_size(table) -> the number of words it holds");

static PyObject *table_size(PyObject *self, PyObject *capsule) {
    Table *t = table_of(capsule);
    return t ? PyLong_FromSsize_t(t->used) : NULL;
}

/* Growable arrays of int64 and of bytes. */
typedef struct {
    int64_t *items;
    Py_ssize_t len, cap;
} Int64s;

typedef struct {
    uint8_t *items;
    Py_ssize_t len, cap;
} Bytes;

static int grow(void **items, Py_ssize_t *cap, size_t itemsize) {
    Py_ssize_t more = *cap ? 2 * *cap : 256;
    void *bigger = PyMem_Realloc(*items, (size_t)more * itemsize);
    if (bigger == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    *items = bigger;
    *cap = more;
    return 0;
}

static int push(Int64s *a, int64_t v) {
    if (a->len == a->cap && grow((void **)&a->items, &a->cap, sizeof(int64_t)) < 0)
        return -1;
    a->items[a->len++] = v;
    return 0;
}

static int push_byte(Bytes *a, uint8_t v) {
    if (a->len == a->cap && grow((void **)&a->items, &a->cap, 1) < 0)
        return -1;
    a->items[a->len++] = v;
    return 0;
}

static PyObject *as_bytes(Int64s *a) {
    return PyBytes_FromStringAndSize((const char *)a->items, a->len * (Py_ssize_t)sizeof(int64_t));
}

/* A text's words, one ahead: the next word's slot is fetched into the cache while the current
   one is looked up (a corpus's table outgrows the cache, and waiting for a slot was a third of
   a lookup). */
typedef struct {
    Chars s;
    Py_ssize_t pos, start, end, next_start, next_end;
    uint64_t key, next_key;
    int ahead; /* a next word was found */
} Words;

static void read_ahead(Words *w, const Table *t) {
    w->ahead = next_word(&w->s, &w->pos, &w->next_start, &w->next_end);
    if (w->ahead) {
        w->next_key = chars_key(&w->s, w->next_start, w->next_end);
        __builtin_prefetch(&t->slots[w->next_key & (uint64_t)t->mask]);
    }
}

/* 0, or -1 when `text` is no str. */
static int words_of(PyObject *text, const Table *t, Words *w) {
    w->pos = 0;
    if (chars_of(text, &w->s) < 0)
        return -1;
    read_ahead(w, t);
    return 0;
}

/* 1 and the next word's bounds and key in w->start, w->end, w->key; 0 at the end. */
static int words_next(Words *w, const Table *t) {
    if (!w->ahead)
        return 0;
    w->start = w->next_start;
    w->end = w->next_end;
    w->key = w->next_key;
    read_ahead(w, t);
    return 1;
}

PyDoc_STRVAR(tokens_doc,
             "tokens(text, table) -> (words, hashes, flags, starts, ends)\n\n"
             "For every word w of `text`, in order, its token (word, hash, flag) from `table`: the\n"
             "words as a tuple, the hashes (ints below 2**64) as native uint64 bytes, the flags\n"
             "as bytes of 0 or 1, and w's start and end offsets as native int64 bytes.");

static PyObject *tokens(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "tokens(text: str, table)");
        return NULL;
    }
    PyObject *text = args[0], *words = NULL, *result = NULL;
    Table *t = table_of(args[1]);
    Words w;
    Int64s hashes = {0}, starts = {0}, ends = {0}, found = {0}; /* found: the words, borrowed */
    Bytes flags = {0};
    if (t == NULL || words_of(text, t, &w) < 0)
        goto done;
    while (words_next(&w, t)) {
        const Slot *slot = lookup(t, text, &w.s, w.start, w.end, w.key);
        if (slot == NULL)
            goto done;
        uint64_t hash = slot->hash;
        uint8_t flag = slot->flag;
        if (push(&found, (int64_t)(intptr_t)slot->norm) < 0 || push(&hashes, (int64_t)hash) < 0 ||
            push_byte(&flags, flag) < 0 || push(&starts, w.start) < 0 || push(&ends, w.end) < 0)
            goto done;
    }
    /* the table holds every word until this returns: the tuple takes its references now */
    if ((words = PyTuple_New(found.len)) == NULL)
        goto done;
    for (Py_ssize_t i = 0; i < found.len; i++)
        PyTuple_SET_ITEM(words, i, Py_NewRef((PyObject *)(intptr_t)found.items[i]));
    result = Py_BuildValue("(ONNNN)", words, as_bytes(&hashes),
                           PyBytes_FromStringAndSize((const char *)flags.items, flags.len), as_bytes(&starts),
                           as_bytes(&ends));
done:
    Py_XDECREF(words);
    PyMem_Free(found.items);
    PyMem_Free(hashes.items);
    PyMem_Free(flags.items);
    PyMem_Free(starts.items);
    PyMem_Free(ends.items);
    return result;
}

/* Appends the hash of every word of `text` to `values`; 0, or -1 on an error. */
static int text_hashes(PyObject *text, Table *t, Int64s *values) {
    Words w;
    if (words_of(text, t, &w) < 0)
        return -1;
    while (words_next(&w, t)) {
        const Slot *slot = lookup(t, text, &w.s, w.start, w.end, w.key);
        if (slot == NULL || push(values, (int64_t)slot->hash) < 0)
            return -1;
    }
    return 0;
}

PyDoc_STRVAR(hashes_doc,
             "hashes(texts, table) -> (hashes, counts)\n\n"
             "The hashes of the tokens (from `table`) of every word of every text, concatenated\n"
             "(native uint64 bytes), and each text's word count (native int64 bytes).");

static PyObject *hashes(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "hashes(texts: Sequence[str], table)");
        return NULL;
    }
    Table *t = table_of(args[1]);
    PyObject *texts = t ? PySequence_Fast(args[0], "hashes() expects a sequence of texts") : NULL;
    if (texts == NULL)
        return NULL;
    PyObject *result = NULL;
    Int64s values = {0}, counts = {0};
    for (Py_ssize_t k = 0; k < PySequence_Fast_GET_SIZE(texts); k++) {
        /* our own reference: the table's function could drop the list's while it is scanned */
        PyObject *text = Py_NewRef(PySequence_Fast_GET_ITEM(texts, k));
        Py_ssize_t before = values.len;
        int failed = text_hashes(text, t, &values) < 0 || push(&counts, values.len - before) < 0;
        Py_DECREF(text);
        if (failed)
            goto done;
    }
    result = Py_BuildValue("(NN)", as_bytes(&values), as_bytes(&counts));
done:
    Py_DECREF(texts);
    PyMem_Free(values.items);
    PyMem_Free(counts.items);
    return result;
}

/* Buffers of fixed item sizes (numpy arrays, bytes), released together. */
typedef struct {
    Py_buffer views[12];
    int count;
} Views;

static const void *view(Views *v, PyObject *obj, Py_ssize_t itemsize, int writable, Py_ssize_t *len) {
    Py_buffer *b = &v->views[v->count];
    if (PyObject_GetBuffer(obj, b, PyBUF_C_CONTIGUOUS | (writable ? PyBUF_WRITABLE : 0)) < 0)
        return NULL;
    v->count++;
    if (b->itemsize != itemsize) {
        PyErr_Format(PyExc_ValueError, "expected items of %zd bytes, got %zd", itemsize, b->itemsize);
        return NULL;
    }
    *len = b->len / itemsize;
    return b->buf;
}

static void release(Views *v) {
    while (v->count > 0)
        PyBuffer_Release(&v->views[--v->count]);
}

/* The first position of sorted `values` holding x or more (`count` when none does). */
static Py_ssize_t lower_bound(const uint64_t *values, Py_ssize_t count, uint64_t x) {
    /* without a branch on the comparison (a conditional move): on random hashes a branch is
       mispredicted every other step, which cost more than the search itself */
    const uint64_t *base = values;
    while (count > 1) {
        Py_ssize_t half = count / 2;
        base += (Py_ssize_t)(base[half - 1] < x) * half;
        count -= half;
    }
    return (base - values) + (count == 1 && *base < x);
}

/* splitmix64's finaliser: spreads every input bit over the output. */
static inline uint64_t mix64(uint64_t x) {
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

/* The n-gram hash: a polynomial over the word hashes, mixed so that its low bits are uniform
   (anchors sample n-grams by `hash % modulo == 0`). */
static void ngrams_into(const uint64_t *words, Py_ssize_t count, long long n, uint64_t *out) {
    for (Py_ssize_t i = 0; i < count; i++) {
        uint64_t x = 0;
        for (long long k = 0; k < n; k++)
            x = x * 0x9E3779B97F4A7C15ULL + words[i + k];
        out[i] = mix64(x);
    }
}

/* The word hashes (args[0]) and n (args[1]) of the n-gram functions; -1 on an error. */
static Py_ssize_t ngram_args(Views *v, PyObject *const *args, Py_ssize_t nargs, const uint64_t **words,
                             long long *n) {
    Py_ssize_t len;
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "expected (hashes, n)");
        return -1;
    }
    if ((*n = PyLong_AsLongLong(args[1])) < 1) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "n must be at least 1");
        return -1;
    }
    if ((*words = view(v, args[0], 8, 0, &len)) == NULL)
        return -1;
    return len >= *n ? len - (Py_ssize_t)*n + 1 : 0;
}

static PyObject *new_bytes(Py_ssize_t items, size_t itemsize, void **data) {
    PyObject *out = PyBytes_FromStringAndSize(NULL, items * (Py_ssize_t)itemsize);
    if (out != NULL)
        *data = PyBytes_AS_STRING(out);
    return out;
}

static int one_of(Py_UCS4 c, const Chars *set) {
    for (Py_ssize_t i = 0; i < set->len; i++)
        if (at(set, i) == c)
            return 1;
    return 0;
}

/* What a character is as a quotation mark, by the sets of `quoted` (opening before closing
   before either): a table answers for the first 256 code points, nearly every character of a
   text, and the sets are searched beyond. */
enum { NOT_MARK, OPENS, CLOSES, EITHER };

typedef struct {
    uint8_t low[256];
    const Chars *sets[3];
} Marks;

static void marks_init(Marks *m, const Chars *opening, const Chars *closing, const Chars *either) {
    *m = (Marks){.sets = {opening, closing, either}};
    for (int k = 2; k >= 0; k--) /* the earlier set wins a mark that two sets hold */
        for (Py_ssize_t i = 0; i < m->sets[k]->len; i++)
            if (at(m->sets[k], i) < 256)
                m->low[at(m->sets[k], i)] = (uint8_t)(k + 1);
}

static inline int mark_of(const Marks *m, Py_UCS4 c) {
    if (c < 256)
        return m->low[c];
    for (int k = 0; k < 3; k++)
        if (one_of(c, m->sets[k]))
            return k + 1;
    return NOT_MARK;
}

/* Paragraphs as blank-line blocks: the text split at each "\n[ \t]*\n", as re.finditer finds them. */
static int blank_line_blocks(const Chars *s, Int64s *bounds) {
    Py_ssize_t pos = 0, i = 0;
    while (i < s->len) {
        if (at(s, i) == '\n') {
            Py_ssize_t j = i + 1;
            while (j < s->len && (at(s, j) == ' ' || at(s, j) == '\t'))
                j++;
            if (j < s->len && at(s, j) == '\n') {
                if (push(bounds, pos) < 0 || push(bounds, i) < 0)
                    return -1;
                pos = i = j + 1;
                continue;
            }
        }
        i++;
    }
    return push(bounds, pos) < 0 || push(bounds, s->len) < 0 ? -1 : 0;
}

PyDoc_STRVAR(quoted_doc,
             "quoted(text, starts, bounds, opening, closing, either) -> flags\n\n"
             "Which words lie inside quotation marks. In each paragraph (`bounds`: int64 start, end,\n"
             "start, end, ... in order; None: blank-line blocks), a mark of `opening` opens a\n"
             "quote when none is open, one of `closing` closes an open one, and one of `either`\n"
             "does whichever applies; a quote left open ends with its paragraph (news style). A\n"
             "word (its start in `starts`, int64, ascending) is quoted when it starts inside\n"
             "the last quote that opened at or before it. Flags as bytes of 0 or 1.");

static PyObject *quoted(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 6) {
        PyErr_SetString(PyExc_TypeError, "quoted(text, starts, bounds, opening, closing, either)");
        return NULL;
    }
    Chars s, opening, closing, either;
    Int64s bounds = {0}, spans = {0};
    Views v = {.count = 0};
    PyObject *result = NULL;
    Py_ssize_t words, nbounds;
    const int64_t *starts = view(&v, args[1], 8, 0, &words);
    if (starts == NULL || chars_of(args[0], &s) < 0 || chars_of(args[3], &opening) < 0 ||
        chars_of(args[4], &closing) < 0 || chars_of(args[5], &either) < 0)
        goto done;
    const int64_t *given = NULL;
    if (args[2] == Py_None) {
        if (blank_line_blocks(&s, &bounds) < 0)
            goto done;
        given = bounds.items;
        nbounds = bounds.len;
    } else if ((given = view(&v, args[2], 8, 0, &nbounds)) == NULL) {
        goto done;
    }
    if (nbounds % 2) {
        PyErr_SetString(PyExc_ValueError, "quoted: bounds are (start, end) pairs");
        goto done;
    }
    Marks marks;
    marks_init(&marks, &opening, &closing, &either);
    for (Py_ssize_t p = 0; p < nbounds; p += 2) {
        int64_t p0 = given[p] < 0 ? 0 : given[p], p1 = given[p + 1] > s.len ? s.len : given[p + 1], opened = -1;
        for (int64_t i = p0; i < p1; i++) {
            int mark = mark_of(&marks, at(&s, i));
            if (mark == NOT_MARK)
                continue;
            if (opened < 0 && mark != CLOSES) {
                opened = i + 1;
            } else if (opened >= 0 && mark != OPENS) {
                if (push(&spans, opened) < 0 || push(&spans, i) < 0)
                    goto done;
                opened = -1;
            }
        }
        if (opened >= 0 && (push(&spans, opened) < 0 || push(&spans, p1) < 0))
            goto done;
    }
    uint8_t *flags;
    if ((result = new_bytes(words, 1, (void **)&flags)) == NULL)
        goto done;
    Py_ssize_t nspans = spans.len / 2, k = 0;
    for (Py_ssize_t w = 0; w < words; w++) {
        while (k < nspans && spans.items[2 * k] <= starts[w]) /* starts ascend: k only moves on */
            k++;
        flags[w] = k > 0 && starts[w] < spans.items[2 * (k - 1) + 1];
    }
done:
    PyMem_Free(bounds.items);
    PyMem_Free(spans.items);
    release(&v);
    return result;
}

PyDoc_STRVAR(ngrams_doc,
             "ngrams(hashes, n) -> grams\n\n"
             "The hash of every run of n consecutive word hashes (uint64), as native uint64 bytes\n"
             "(none when there are fewer than n).");

static PyObject *ngrams(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    Views v = {.count = 0};
    const uint64_t *words;
    long long n;
    void *out;
    PyObject *result = NULL;
    Py_ssize_t count = ngram_args(&v, args, nargs, &words, &n);
    if (count >= 0 && (result = new_bytes(count, 8, &out)) != NULL)
        ngrams_into(words, count, n, out);
    release(&v);
    return result;
}

typedef struct {
    uint64_t value;
    int64_t at;
} Ranked;

/* Sorts a few `items` by value, stably. */
static void insertion_sort(Ranked *items, Py_ssize_t count) {
    for (Py_ssize_t i = 1; i < count; i++) {
        Ranked x = items[i];
        Py_ssize_t j = i;
        for (; j > 0 && items[j - 1].value > x.value; j--)
            items[j] = items[j - 1];
        items[j] = x;
    }
}

/* Sorts `items` by value, stably, using `spare` (as long) as room: insertion sort on runs of
   16, then merges. The comparison is inline: qsort's call per comparison cost more than the
   rest of indexing a text. Returns the array that holds the result (`items` or `spare`). */
static Ranked *sort_ranked(Ranked *items, Ranked *spare, Py_ssize_t count) {
    enum { RUN = 16 };
    for (Py_ssize_t lo = 0; lo < count; lo += RUN)
        insertion_sort(items + lo, lo + RUN < count ? RUN : count - lo);
    for (Py_ssize_t width = RUN; width < count; width *= 2) {
        for (Py_ssize_t lo = 0; lo < count; lo += 2 * width) {
            Py_ssize_t mid = lo + width < count ? lo + width : count;
            Py_ssize_t hi = lo + 2 * width < count ? lo + 2 * width : count, i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                spare[k++] = items[j].value < items[i].value ? items[j++] : items[i++];
            while (i < mid)
                spare[k++] = items[i++];
            while (j < hi)
                spare[k++] = items[j++];
        }
        Ranked *swap = items;
        items = spare;
        spare = swap;
    }
    return items;
}

/* Sorts hashes (spread evenly over 64 bits) by value, stably: one pass deals them by their top
   bits into about as many buckets as there are items (up to 4M; a text's few thousand count on
   the stack), so most buckets hold one or two, which an insertion sort puts in order with
   branches a CPU predicts (a merge sort's comparisons of random values it cannot). A bucket
   holding many, as values that are not spread give, is merge sorted. The result is in `spare`
   (returned; NULL when out of memory); `items` is left as scratch. Needs no GIL. */
static Ranked *sort_hashes(Ranked *items, Ranked *spare, Py_ssize_t count) {
    enum { STACK_BITS = 12, MAX_BITS = 22, SMALL = 32 };
    Py_ssize_t on_stack[(1 << STACK_BITS) + 1], *ends = on_stack;
    int bits = 1;
    while (bits < MAX_BITS && ((Py_ssize_t)1 << bits) < count)
        bits++;
    Py_ssize_t buckets = (Py_ssize_t)1 << bits;
    if (bits > STACK_BITS && (ends = PyMem_RawMalloc(sizeof(Py_ssize_t) * (size_t)(buckets + 1))) == NULL)
        return NULL;
    memset(ends, 0, sizeof(Py_ssize_t) * (size_t)(buckets + 1));
    for (Py_ssize_t i = 0; i < count; i++)
        ends[(items[i].value >> (64 - bits)) + 1]++;
    for (Py_ssize_t b = 0; b < buckets; b++)
        ends[b + 1] += ends[b];
    for (Py_ssize_t i = 0; i < count; i++) /* in order: stable; ends[b] moves to bucket b's end */
        spare[ends[items[i].value >> (64 - bits)]++] = items[i];
    for (Py_ssize_t b = 0, lo = 0; b < buckets; lo = ends[b++]) {
        Py_ssize_t hi = ends[b];
        if (hi - lo <= SMALL)
            insertion_sort(spare + lo, hi - lo);
        else if (sort_ranked(spare + lo, items + lo, hi - lo) != spare + lo) /* it ended in items */
            memcpy(spare + lo, items + lo, sizeof(Ranked) * (size_t)(hi - lo));
    }
    if (ends != on_stack)
        PyMem_RawFree(ends);
    return spare;
}

PyDoc_STRVAR(ngram_index_doc,
             "ngram_index(hashes, n) -> (grams, order, sorted, repeats, distinct)\n\n"
             "The n-gram hashes (as ngrams() gives them), the positions that sort them (a stable\n"
             "argsort, int64), the sorted hashes, how often each position's hash occurs (int64),\n"
             "and the distinct hashes in order; native bytes, uint64 unless said.");

static PyObject *ngram_index(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    Views v = {.count = 0};
    const uint64_t *words;
    long long n;
    PyObject *out[5] = {NULL};
    uint64_t *grams, *sorted, *distinct;
    int64_t *order, *repeats;
    Ranked *ranked = NULL;
    PyObject *result = NULL;
    Py_ssize_t count = ngram_args(&v, args, nargs, &words, &n), kept = 0;
    if (count < 0 || (out[0] = new_bytes(count, 8, (void **)&grams)) == NULL ||
        (out[1] = new_bytes(count, 8, (void **)&order)) == NULL ||
        (out[2] = new_bytes(count, 8, (void **)&sorted)) == NULL ||
        (out[3] = new_bytes(count, 8, (void **)&repeats)) == NULL ||
        (ranked = PyMem_Malloc((size_t)(count ? 2 * count : 1) * sizeof(Ranked))) == NULL)
        goto done;
    ngrams_into(words, count, n, grams);
    for (Py_ssize_t i = 0; i < count; i++)
        ranked[i] = (Ranked){grams[i], i};
    const Ranked *by_value = sort_hashes(ranked, ranked + count, count);
    if (by_value == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t lo = 0, hi; lo < count; lo = hi, kept++) {
        for (hi = lo; hi < count && by_value[hi].value == by_value[lo].value; hi++)
            ;
        for (Py_ssize_t k = lo; k < hi; k++) {
            order[k] = by_value[k].at;
            sorted[k] = by_value[k].value;
            repeats[by_value[k].at] = hi - lo;
        }
    }
    if ((out[4] = new_bytes(kept, 8, (void **)&distinct)) == NULL)
        goto done;
    for (Py_ssize_t k = 0, j = 0; k < count; k++)
        if (k == 0 || sorted[k] != sorted[k - 1])
            distinct[j++] = sorted[k];
    result = Py_BuildValue("(OOOOO)", out[0], out[1], out[2], out[3], out[4]);
done:
    for (int k = 0; k < 5; k++)
        Py_XDECREF(out[k]);
    PyMem_Free(ranked);
    release(&v);
    return result;
}

#define PERM_BLOCK 64 /* minimums kept in registers: 8 AVX-512 vectors (24 with a, b, of 32) */

/* One MinHash signature, PERM_BLOCK permutations at a time over all the shingles, so that their
   minimums stay in registers (AVX-512's: AVX2 has too few and spills some) instead of a store
   and load per shingle (2x faster). The loop over a block vectorises where the CPU multiplies
   64-bit lanes (AVX-512DQ), 4x faster; gcc compiles a version per CPU level and picks one at
   load. */
#if defined(__x86_64__) && defined(__GLIBC__) && !defined(__clang__) && __GNUC__ >= 11 /* ifunc, v4 */
__attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#endif
static void signature(const uint64_t *a, const uint64_t *b, Py_ssize_t perms, const uint64_t *x, Py_ssize_t count,
                      uint64_t *least, uint32_t *out) {
    Py_ssize_t p0 = 0;
    for (; p0 + PERM_BLOCK <= perms; p0 += PERM_BLOCK) {
        uint64_t lo[PERM_BLOCK];
        for (int p = 0; p < PERM_BLOCK; p++)
            lo[p] = UINT64_MAX;
        for (Py_ssize_t i = 0; i < count; i++)
            for (int p = 0; p < PERM_BLOCK; p++) {
                uint64_t h = a[p0 + p] * x[i] + b[p0 + p];
                lo[p] = h < lo[p] ? h : lo[p];
            }
        for (int p = 0; p < PERM_BLOCK; p++)
            least[p0 + p] = lo[p];
    }
    for (Py_ssize_t p = p0; p < perms; p++) /* the permutations past the last whole block */
        least[p] = UINT64_MAX;
    for (Py_ssize_t i = 0; i < count; i++)
        for (Py_ssize_t p = p0; p < perms; p++) {
            uint64_t h = a[p] * x[i] + b[p];
            least[p] = h < least[p] ? h : least[p];
        }
    for (Py_ssize_t p = 0; p < perms; p++)
        out[p] = (uint32_t)(least[p] >> 32);
}

PyDoc_STRVAR(minhash_doc,
             "minhash(shingles, starts, a, b, out)\n\n"
             "MinHash signatures of consecutive non-empty sets of uint64 shingle hashes: set k is\n"
             "shingles[starts[k]:starts[k + 1]] (the last runs to the end); out[k, p] is the top\n"
             "half of min over x of a[p] * x + b[p] (mod 2**64). `starts` int64, `out` a writable\n"
             "C-contiguous uint32 buffer of len(starts) * len(a) items.");

static PyObject *minhash(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError, "minhash(shingles, starts, a, b, out)");
        return NULL;
    }
    Views v = {.count = 0};
    Py_ssize_t n, sets, perms, nb, nout;
    const uint64_t *x = view(&v, args[0], 8, 0, &n);
    const int64_t *starts = x ? view(&v, args[1], 8, 0, &sets) : NULL;
    const uint64_t *a = starts ? view(&v, args[2], 8, 0, &perms) : NULL;
    const uint64_t *b = a ? view(&v, args[3], 8, 0, &nb) : NULL;
    uint32_t *out = b ? (uint32_t *)view(&v, args[4], 4, 1, &nout) : NULL;
    uint64_t *least = NULL;
    PyObject *result = NULL;
    if (out == NULL)
        goto done;
    if (nb != perms || nout != sets * perms) {
        PyErr_SetString(PyExc_ValueError, "minhash: buffer sizes disagree");
        goto done;
    }
    for (Py_ssize_t k = 0; k < sets; k++)
        if (starts[k] < 0 || starts[k] >= (k + 1 < sets ? starts[k + 1] : n)) {
            PyErr_SetString(PyExc_ValueError, "minhash: sets must be non-empty and in order");
            goto done;
        }
    if ((least = PyMem_Malloc((size_t)(perms ? perms : 1) * sizeof(uint64_t))) == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t k = 0; k < sets; k++)
        signature(a, b, perms, x + starts[k], (k + 1 < sets ? starts[k + 1] : n) - starts[k], least, out + k * perms);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    PyMem_Free(least);
    release(&v);
    return result;
}

PyDoc_STRVAR(argsort_doc,
             "argsort(keys, signed) -> order\n\n"
             "The stable argsort of 64-bit integer keys (uint64, or int64 when `signed`), as\n"
             "native int64 bytes. Keys whose top bit varies (hashes) are sorted as ngram_index\n"
             "sorts a text's n-grams (dealt by their top bits into about one bucket a key); other\n"
             "keys (pair codes, float bits) by an LSD radix sort of 8-bit digits, skipping digits\n"
             "all keys share. numpy's stable argsort of 64-bit keys is a merge sort, several times\n"
             "slower on the millions of band keys and anchors a large corpus has.");

/* Sorts `items` stably by an LSD radix sort of 8-bit digits, the digit counts taken in one
   pass; `spare` is as long. Returns the array that holds the result. */
static Ranked *radix_sort(Ranked *items, Ranked *spare, Py_ssize_t count) {
    enum { BITS = 8, BUCKETS = 1 << BITS, DIGITS = 64 / BITS };
    Py_ssize_t (*counts)[BUCKETS] = PyMem_RawCalloc(DIGITS, sizeof(*counts)); /* no GIL held */
    if (counts == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < count; i++)
        for (int d = 0; d < DIGITS; d++)
            counts[d][(items[i].value >> (d * BITS)) & (BUCKETS - 1)]++;
    for (int d = 0; d < DIGITS; d++) {
        Py_ssize_t *start = counts[d];
        if (start[(items[0].value >> (d * BITS)) & (BUCKETS - 1)] == count)
            continue; /* every key has this digit */
        for (Py_ssize_t b = 0, at = 0; b < BUCKETS; b++) {
            Py_ssize_t n = start[b];
            start[b] = at;
            at += n;
        }
        for (Py_ssize_t i = 0; i < count; i++)
            spare[start[(items[i].value >> (d * BITS)) & (BUCKETS - 1)]++] = items[i];
        Ranked *swap = items;
        items = spare;
        spare = swap;
    }
    PyMem_RawFree(counts);
    return items;
}

static PyObject *argsort(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    Views v = {.count = 0};
    Py_ssize_t count;
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "argsort(keys, signed)");
        return NULL;
    }
    const uint64_t *keys = view(&v, args[0], 8, 0, &count);
    int is_signed = PyObject_IsTrue(args[1]);
    PyObject *out = NULL;
    int64_t *order;
    Ranked *items = NULL, *sorted = NULL;
    if (keys == NULL || is_signed < 0 || (out = new_bytes(count, 8, (void **)&order)) == NULL)
        goto done;
    if ((items = PyMem_Malloc(sizeof(Ranked) * 2 * (size_t)(count ? count : 1))) == NULL)
        goto fail;
    uint64_t flip = is_signed ? 1ULL << 63 : 0, all_or = 0, all_and = ~0ULL;
    for (Py_ssize_t i = 0; i < count; i++) {
        items[i] = (Ranked){keys[i] ^ flip, i};
        all_or |= items[i].value;
        all_and &= items[i].value;
    }
    if (count > 1) {
        Py_BEGIN_ALLOW_THREADS
        if ((all_or ^ all_and) >> 63) /* the top bit varies, as in hashes */
            sorted = sort_hashes(items, items + count, count);
        else
            sorted = radix_sort(items, items + count, count);
        Py_END_ALLOW_THREADS
        if (sorted == NULL)
            goto fail;
    } else {
        sorted = items;
    }
    for (Py_ssize_t i = 0; i < count; i++)
        order[i] = sorted[i].at;
    goto done;
fail:
    Py_CLEAR(out);
    PyErr_NoMemory();
done:
    PyMem_Free(items);
    release(&v);
    return out;
}

PyDoc_STRVAR(forest_doc,
             "forest(nodes, lo, hi) -> (joined, labels)\n\n"
             "Union-find over `nodes` nodes and the edges (lo[k], hi[k]) (int64 node indexes), taken\n"
             "in order. `joined` (bytes of 0 or 1) says which edges joined two trees: they form a\n"
             "spanning forest, the minimum one when the edges come by increasing weight (Kruskal).\n"
             "`labels` (native int64 bytes) names each node's component by its smallest node.");

static int64_t root_of(int64_t *parent, int64_t x) {
    while (parent[x] != x) {
        parent[x] = parent[parent[x]]; /* path halving */
        x = parent[x];
    }
    return x;
}

static PyObject *forest(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "forest(nodes, lo, hi)");
        return NULL;
    }
    Views v = {.count = 0};
    PyObject *joined = NULL, *labels = NULL, *result = NULL;
    Py_ssize_t edges, other, nodes = PyLong_AsSsize_t(args[0]);
    const int64_t *lo = nodes < 0 && PyErr_Occurred() ? NULL : view(&v, args[1], 8, 0, &edges);
    const int64_t *hi = lo == NULL ? NULL : view(&v, args[2], 8, 0, &other);
    if (hi == NULL)
        goto done;
    if (nodes < 0 || other != edges) {
        PyErr_SetString(PyExc_ValueError, "forest: nodes must be >= 0, with as many lo as hi");
        goto done;
    }
    for (Py_ssize_t k = 0; k < edges; k++)
        if (lo[k] < 0 || lo[k] >= nodes || hi[k] < 0 || hi[k] >= nodes) {
            PyErr_SetString(PyExc_ValueError, "forest: an edge names a node out of range");
            goto done;
        }
    uint8_t *join;
    int64_t *parent;
    if ((joined = new_bytes(edges, 1, (void **)&join)) == NULL ||
        (labels = new_bytes(nodes, 8, (void **)&parent)) == NULL)
        goto done;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < nodes; i++)
        parent[i] = i;
    for (Py_ssize_t k = 0; k < edges; k++) {
        int64_t x = root_of(parent, lo[k]), y = root_of(parent, hi[k]);
        join[k] = x != y;
        if (x < y) /* the smaller node is the root: labels do not depend on the edges' order */
            parent[y] = x;
        else if (y < x)
            parent[x] = y;
    }
    for (Py_ssize_t i = 0; i < nodes; i++)
        parent[i] = root_of(parent, i);
    Py_END_ALLOW_THREADS
    result = PyTuple_Pack(2, joined, labels);
done:
    Py_XDECREF(joined);
    Py_XDECREF(labels);
    release(&v);
    return result;
}

/* The signature matrix (documents x permutations, uint32) and the int64 document indexes of
   the LSH kernels, each checked to be a row; -1 on an error. */
static int signature_args(Views *v, PyObject *const *args, const uint32_t **sigs, Py_ssize_t *docs,
                          Py_ssize_t *perms, const int64_t **index, Py_ssize_t *len) {
    Py_buffer *b = &v->views[v->count];
    if (PyObject_GetBuffer(args[0], b, PyBUF_C_CONTIGUOUS | PyBUF_ND) < 0)
        return -1;
    v->count++;
    if (b->ndim != 2 || b->itemsize != 4) {
        PyErr_SetString(PyExc_ValueError, "signatures must be a 2-d array of uint32");
        return -1;
    }
    *sigs = b->buf;
    *docs = b->shape[0];
    *perms = b->shape[1];
    if ((*index = view(v, args[1], 8, 0, len)) == NULL)
        return -1;
    for (Py_ssize_t i = 0; i < *len; i++)
        if ((*index)[i] < 0 || (*index)[i] >= *docs) {
            PyErr_SetString(PyExc_IndexError, "a document index is out of range");
            return -1;
        }
    return 0;
}

PyDoc_STRVAR(band_keys_doc,
             "band_keys(signatures, docs, first, bands, rows) -> keys\n\n"
             "The LSH keys of bands first .. first + bands - 1 for each document of `docs` (int64\n"
             "rows of the uint32 `signatures` matrix), band by band: band b's key starts from b,\n"
             "and for each of its `rows` columns c in turn, key = mix64(key * 0x100000001B3 +\n"
             "signature[c]) (wrapping). Native uint64 bytes, `bands` rows of len(docs) keys.\n"
             "Several bands are read from each signature row at once: a band at a time read a\n"
             "row's few bytes per band, each a miss in the cache.");

static PyObject *band_keys(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    Views v = {.count = 0};
    const uint32_t *sigs;
    const int64_t *docs;
    Py_ssize_t ndocs, perms, count;
    long long first, bands, rows;
    uint64_t *keys;
    PyObject *out = NULL;
    if (nargs != 5 || (first = PyLong_AsLongLong(args[2])) < 0 || (bands = PyLong_AsLongLong(args[3])) < 1 ||
        (rows = PyLong_AsLongLong(args[4])) < 1) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "band_keys(signatures, docs, first >= 0, bands >= 1, rows >= 1)");
        return NULL;
    }
    if (signature_args(&v, args, &sigs, &ndocs, &perms, &docs, &count) < 0)
        goto done;
    if ((first + bands) * rows > perms) {
        PyErr_SetString(PyExc_ValueError, "band_keys: a band lies past the signature's end");
        goto done;
    }
    if ((out = new_bytes(count * bands, 8, (void **)&keys)) == NULL)
        goto done;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < count; i++) {
        const uint32_t *row = sigs + docs[i] * perms + first * rows;
        for (long long b = 0; b < bands; b++, row += rows) {
            uint64_t x = (uint64_t)(first + b);
            for (long long c = 0; c < rows; c++)
                x = mix64(x * 0x100000001B3ULL + row[c]);
            keys[b * count + i] = x;
        }
    }
    Py_END_ALLOW_THREADS
done:
    release(&v);
    return out;
}

PyDoc_STRVAR(agreement_doc,
             "agreement(signatures, pairs) -> shares\n\n"
             "For each pair (i, j) of the int64 (k, 2) array `pairs`, the share of permutations on\n"
             "which rows i and j of the uint32 `signatures` matrix agree (the MinHash estimate of\n"
             "their Jaccard), as native float32 bytes.");

static PyObject *agreement(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    Views v = {.count = 0};
    const uint32_t *sigs;
    const int64_t *pairs;
    Py_ssize_t ndocs, perms, count;
    float *shares;
    PyObject *out = NULL;
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "agreement(signatures, pairs)");
        return NULL;
    }
    if (signature_args(&v, args, &sigs, &ndocs, &perms, &pairs, &count) < 0)
        goto done;
    if (count % 2) {
        PyErr_SetString(PyExc_ValueError, "agreement: pairs must have two columns");
        goto done;
    }
    count /= 2;
    if ((out = new_bytes(count, sizeof(float), (void **)&shares)) == NULL)
        goto done;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t k = 0; k < count; k++) {
        const uint32_t *x = sigs + pairs[2 * k] * perms, *y = sigs + pairs[2 * k + 1] * perms;
        Py_ssize_t same = 0;
        for (Py_ssize_t p = 0; p < perms; p++)
            same += x[p] == y[p];
        shares[k] = perms ? (float)((double)same / (double)perms) : 0.0f;
    }
    Py_END_ALLOW_THREADS
done:
    release(&v);
    return out;
}

PyDoc_STRVAR(blocks_doc,
             "blocks(a_seeds, a_repeats, a_sorted, a_order, b_seeds, b_repeats, b_sorted, b_order,\n"
             "       max_repeats, n) -> quads\n\n"
             "The exact blocks of two texts' seed (n-gram) hashes, as (a0, a1, b0, b1) int64 quads\n"
             "in (a0, b0) order: maximal runs where a_seeds[i + k] == b_seeds[j + k], neither seed\n"
             "occurring more than `max_repeats` times in its text (`*_repeats`: occurrences in the\n"
             "own text). A run of seeds i..i+m covers tokens [i, i + m + n). `*_sorted` is a text's\n"
             "seeds sorted stably by `*_order` (b_sorted[k] == b_seeds[b_order[k]]).");

static PyObject *blocks(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    long long max_repeats, n;
    if (nargs != 10 || (max_repeats = PyLong_AsLongLong(args[8])) == -1 || (n = PyLong_AsLongLong(args[9])) == -1) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "blocks() takes 10 arguments");
        return NULL;
    }
    Views v = {.count = 0};
    Py_ssize_t na = 0, nar = 0, nas = 0, nao = 0, nb = 0, nbr = 0, ns = 0, no = 0;
    const uint64_t *as = view(&v, args[0], 8, 0, &na);
    const int64_t *ar = as ? view(&v, args[1], 8, 0, &nar) : NULL;
    const uint64_t *a_sorted = ar ? view(&v, args[2], 8, 0, &nas) : NULL;
    const int64_t *a_order = a_sorted ? view(&v, args[3], 8, 0, &nao) : NULL;
    const uint64_t *bs = a_order ? view(&v, args[4], 8, 0, &nb) : NULL;
    const int64_t *br = bs ? view(&v, args[5], 8, 0, &nbr) : NULL;
    const uint64_t *sorted = br ? view(&v, args[6], 8, 0, &ns) : NULL;
    const int64_t *order = sorted ? view(&v, args[7], 8, 0, &no) : NULL;
    Int64s quads = {0};
    Py_ssize_t *first = NULL;
    PyObject *result = NULL;
    if (order == NULL)
        goto done;
    if (nar != na || nas != na || nao != na || nbr != nb || ns != nb || no != nb) {
        PyErr_SetString(PyExc_ValueError, "blocks: array sizes disagree");
        goto done;
    }
    /* where each seed of A first occurs among B's sorted seeds (-1: nowhere): one merge of the
       two sorted lists, not a binary search per seed, whose steps a CPU cannot predict */
    first = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(na + 1));
    if (first == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < na; i++)
        first[i] = -1;
    for (Py_ssize_t x = 0, k = 0; x < na; x++) {
        if (a_order[x] < 0 || a_order[x] >= na) {
            PyErr_SetString(PyExc_ValueError, "blocks: a_order out of range");
            goto done;
        }
        while (k < nb && sorted[k] < a_sorted[x])
            k++;
        if (k < nb && sorted[k] == a_sorted[x])
            first[a_order[x]] = k;
    }
#define MATCH(i, j) (as[i] == bs[j] && ar[i] <= max_repeats && br[j] <= max_repeats)
    for (Py_ssize_t i = 0; i < na; i++) {
        if (ar[i] > max_repeats || first[i] < 0)
            continue;
        for (Py_ssize_t k = first[i]; k < nb && sorted[k] == as[i]; k++) {
            Py_ssize_t j = order[k];
            if (order[k] < 0 || order[k] >= nb) {
                PyErr_SetString(PyExc_ValueError, "blocks: b_order out of range");
                goto done;
            }
            if (br[j] > max_repeats || (i > 0 && j > 0 && MATCH(i - 1, j - 1)))
                continue; /* not a seed worth matching, or inside a block found already */
            Py_ssize_t m = 1;
            while (i + m < na && j + m < nb && MATCH(i + m, j + m))
                m++;
            if (push(&quads, i) < 0 || push(&quads, i + m - 1 + n) < 0 || push(&quads, j) < 0 ||
                push(&quads, j + m - 1 + n) < 0)
                goto done;
        }
    }
#undef MATCH
    result = as_bytes(&quads);
done:
    PyMem_Free(first);
    PyMem_Free(quads.items);
    release(&v);
    return result;
}

PyDoc_STRVAR(shared_doc,
             "shared(a, b) -> int\n\n"
             "How many values of `a` occur in `b`: two sorted arrays of distinct uint64.");

static PyObject *shared(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    Views v = {.count = 0};
    Py_ssize_t na, nb, i = 0, j = 0, count = 0;
    const uint64_t *a = nargs == 2 ? view(&v, args[0], 8, 0, &na) : NULL;
    const uint64_t *b = a ? view(&v, args[1], 8, 0, &nb) : NULL;
    if (b == NULL) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "shared() takes 2 arguments");
        release(&v);
        return NULL;
    }
    while (i < na && j < nb) {
        count += a[i] == b[j];
        Py_ssize_t step_a = a[i] <= b[j], step_b = b[j] <= a[i];
        i += step_a;
        j += step_b;
    }
    release(&v);
    return PyLong_FromSsize_t(count);
}

/* --- Passages: blocks chained into passages, kept longest first (align.py, steps 3 and 4) --- */

/* One text as chaining reads it: word and n-gram hashes, flags, and running counts
   (`numbers[i]`: numeric words before word i; `anchors`, `commons`: anchors and boilerplate
   anchors before n-gram position i, counted for side A only, see `count_anchors`). */
typedef struct {
    const uint64_t *hashes, *grams;
    const uint8_t *numeric, *quoted;
    Py_ssize_t words, ngrams;
    int64_t *numbers, *quotes, *anchors, *commons, *scratch;
} Side;

static void running_count(const uint8_t *flags, Py_ssize_t len, int64_t *out) {
    out[0] = 0;
    for (Py_ssize_t i = 0; i < len; i++)
        out[i + 1] = out[i] + (flags[i] != 0);
}

/* Reads (hashes, numeric, quoted, grams) into `s`. */
static int side_of(Views *v, PyObject *tuple, Side *s) {
    Py_ssize_t len[4];
    if (!PyTuple_Check(tuple) || PyTuple_GET_SIZE(tuple) != 4) {
        PyErr_SetString(PyExc_TypeError, "a side is (hashes, numeric, quoted, grams)");
        return -1;
    }
    s->hashes = view(v, PyTuple_GET_ITEM(tuple, 0), 8, 0, &len[0]);
    s->numeric = s->hashes ? view(v, PyTuple_GET_ITEM(tuple, 1), 1, 0, &len[1]) : NULL;
    s->quoted = s->numeric ? view(v, PyTuple_GET_ITEM(tuple, 2), 1, 0, &len[2]) : NULL;
    s->grams = s->quoted ? view(v, PyTuple_GET_ITEM(tuple, 3), 8, 0, &len[3]) : NULL;
    if (s->grams == NULL)
        return -1;
    if (len[1] != len[0] || len[2] != len[0] || len[3] > len[0]) {
        PyErr_SetString(PyExc_ValueError, "passages: a side's array sizes disagree");
        return -1;
    }
    s->words = len[0];
    s->ngrams = len[3];
    s->numbers = PyMem_Malloc(sizeof(int64_t) * (size_t)(3 * s->words + 2 * s->ngrams + 4));
    if (s->numbers == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    s->quotes = s->numbers + s->words + 1;
    s->anchors = s->quotes + s->words + 1;
    s->commons = s->anchors + s->ngrams + 1;
    s->scratch = s->commons + s->ngrams + 1; /* room for the hashes of `words` numbers */
    running_count(s->numeric, s->words, s->numbers);
    running_count(s->quoted, s->words, s->quotes);
    return 0;
}

/* Running counts of the text's anchors (`hash % modulo == 0`, all for modulo 1: the rule of
   `fingerprints.anchor_sample`, which the tests hold this to) and of those among them in
   `common` (sorted): a passage's boilerplate share. All zero without `common`. */
static void count_anchors(Side *s, long long modulo, const uint64_t *common, Py_ssize_t ncommon) {
    s->anchors[0] = s->commons[0] = 0;
    for (Py_ssize_t i = 0; i < s->ngrams; i++) {
        uint64_t g = s->grams[i];
        int anchor = ncommon > 0 && (modulo <= 1 || g % (uint64_t)modulo == 0), boilerplate = 0;
        if (anchor) {
            Py_ssize_t at = lower_bound(common, ncommon, g);
            boilerplate = at < ncommon && common[at] == g;
        }
        s->anchors[i + 1] = s->anchors[i] + anchor;
        s->commons[i + 1] = s->commons[i] + boilerplate;
    }
}

/* The numbers among words [start, end), as their hashes, sorted; returns how many. */
static Py_ssize_t numbers_in(const Side *s, int64_t start, int64_t end) {
    Py_ssize_t count = 0;
    for (int64_t i = start; i < end; i++) {
        if (!s->numeric[i])
            continue;
        int64_t h = (int64_t)s->hashes[i], k = count++; /* insertion sort: gaps are short */
        for (; k > 0 && (uint64_t)s->scratch[k - 1] > (uint64_t)h; k--)
            s->scratch[k] = s->scratch[k - 1];
        s->scratch[k] = h;
    }
    return count;
}

/* How many numbers differ in a gap holding numbers on both sides: the larger side of their
   multiset difference (0: the same numbers, or none on a side); `*shared`, if given, gets how
   many are the same. */
static int64_t number_conflict(const Side *a, const Side *b, int64_t a0, int64_t a1, int64_t b0, int64_t b1,
                               int64_t *shared_out) {
    if (shared_out)
        *shared_out = 0;
    if (a->numbers[a1] == a->numbers[a0] || b->numbers[b1] == b->numbers[b0])
        return 0;
    Py_ssize_t na = numbers_in(a, a0, a1), nb = numbers_in(b, b0, b1), i = 0, j = 0, shared = 0;
    while (i < na && j < nb) {
        uint64_t x = (uint64_t)a->scratch[i], y = (uint64_t)b->scratch[j];
        if (x == y)
            shared++;
        i += x <= y;
        j += y <= x;
    }
    if (shared_out)
        *shared_out = shared;
    return (na > nb ? na : nb) - shared;
}

typedef struct {
    int64_t a0, a1, b0, b1; /* of its first block, then its end */
    int64_t matched, conflicts, count, first;
} Chain;

typedef struct {
    int64_t a0, a1, b0, b1;
    Py_ssize_t chain;
    int after_conflict;
} Link; /* a block as it was placed in a chain (trimmed where it overlapped the chain's end) */

static int longest_first(const void *x, const void *y) {
    const Chain *p = x, *q = y;
    if (p->matched != q->matched)
        return p->matched > q->matched ? -1 : 1;
    if (p->a0 != q->a0)
        return p->a0 < q->a0 ? -1 : 1;
    return (p->b0 > q->b0) - (p->b0 < q->b0);
}

static int by_a0(const void *x, const void *y) {
    const int64_t *p = x, *q = y;
    return (p[0] > q[0]) - (p[0] < q[0]);
}

enum { ROW = 12 }; /* a0 a1 b0 b1 matched solid conflicts quotes_a quotes_b anchors commons blocks */

/* Whether a quad (a0, a1, b0, b1) is empty or reaches past texts of `na` and `nb` words. */
static int outside(const int64_t *q, Py_ssize_t na, Py_ssize_t nb) {
    return q[0] < 0 || q[0] >= q[1] || q[1] > na || q[2] < 0 || q[2] >= q[3] || q[3] > nb;
}

/* `alike(a0, a1, b0, b1)`: whether two gaps read alike; 1, 0, or -1 with the error set. */
static int read_alike(PyObject *alike, int64_t a0, int64_t a1, int64_t b0, int64_t b1) {
    PyObject *r = PyObject_CallFunction(alike, "LLLL", (long long)a0, (long long)a1, (long long)b0, (long long)b1);
    int yes = r ? PyObject_IsTrue(r) : -1;
    Py_XDECREF(r);
    return yes;
}

/* Chains `links` (blocks in (a0, b0) order) as align.py's module docstring says; returns the
   number of chains, -1 on an error. */
static Py_ssize_t chain_blocks(const int64_t *quads, Py_ssize_t count, const Side *a, const Side *b,
                               int64_t gap, int64_t fuzzy, int64_t slot_words, PyObject *alike,
                               Chain *chains, Link *links, Py_ssize_t *active) {
    Py_ssize_t nchains = 0, nactive = 0;
    for (Py_ssize_t k = 0; k < count; k++) {
        const int64_t *blk = quads + 4 * k;
        Py_ssize_t kept = 0, best = -1;
        for (Py_ssize_t c = 0; c < nactive; c++)
            if (chains[active[c]].a1 >= blk[0] - fuzzy)
                active[kept++] = active[c];
        nactive = kept;
        int64_t score = 0, over_best = 0;
        for (Py_ssize_t c = 0; c < nactive; c++) {
            const Chain *ch = &chains[active[c]];
            int64_t ga = blk[0] - ch->a1, gb = blk[2] - ch->b1, over = 0;
            if (-ga > over)
                over = -ga;
            if (-gb > over)
                over = -gb;
            if (over >= blk[1] - blk[0])
                continue;
            ga += over;
            gb += over;
            if (ga > gap || gb > gap) { /* bridged only when both gaps read alike, and are about
                                           as long (give or take the words OCR splits or joins) */
                if (ga > fuzzy || gb > fuzzy || llabs(ga - gb) > gap + (ga > gb ? ga : gb) / 4 ||
                    (best >= 0 && ga + gb >= score))
                    continue;
                /* a gap longer than a slot is bridged only where its figures agree more often
                   than not: past that length a template report's wording reads alike around
                   other numbers, and OCR misreads some */
                int64_t agree;
                if ((ga > slot_words || gb > slot_words) &&
                    number_conflict(a, b, ch->a1, blk[0] + over, ch->b1, blk[2] + over, &agree) > agree)
                    continue;
                int yes = read_alike(alike, ch->a1, blk[0] + over, ch->b1, blk[2] + over);
                if (yes < 0)
                    return -1;
                if (!yes)
                    continue;
            }
            if (best < 0 || ga + gb < score) {
                best = active[c];
                score = ga + gb;
                over_best = over;
            }
        }
        Link *link = &links[k];
        link->a0 = blk[0] + over_best;
        link->a1 = blk[1];
        link->b0 = blk[2] + over_best;
        link->b1 = blk[3];
        link->after_conflict = 0;
        if (best < 0) {
            chains[nchains] = (Chain){blk[0], blk[1], blk[2], blk[3], blk[1] - blk[0], 0, 1, 0};
            link->chain = nchains;
            active[nactive++] = nchains++;
            continue;
        }
        Chain *ch = &chains[best];
        /* figures across a gap longer than a slot are not compared: which stands for which is
           anyone's guess */
        int64_t clash = link->a0 - ch->a1 > slot_words || link->b0 - ch->b1 > slot_words
                            ? 0
                            : number_conflict(a, b, ch->a1, link->a0, ch->b1, link->b0, NULL);
        link->chain = best;
        link->after_conflict = clash > 0;
        ch->conflicts += clash;
        ch->matched += link->a1 - link->a0;
        ch->count++;
        ch->a1 = link->a1;
        ch->b1 = link->b1;
    }
    return nchains;
}

static int overlaps(const int64_t *rows, Py_ssize_t n, int at, int64_t start, int64_t end) {
    for (Py_ssize_t k = 0; k < n; k++)
        if (start < rows[k * ROW + at + 1] && rows[k * ROW + at] < end)
            return 1;
    return 0;
}

/* Differing numbers in the corresponding short slots around the kept passages (sorted by a0):
   before the first, after the last, and between passages that follow each other in both. */
static int64_t slot_conflicts(const int64_t *rows, Py_ssize_t n, const Side *a, const Side *b, int64_t limit) {
    int64_t total = 0;
    for (Py_ssize_t k = 0; n > 0 && k <= n; k++) {
        int64_t a0 = k ? rows[(k - 1) * ROW + 1] : 0, b0 = k ? rows[(k - 1) * ROW + 3] : 0;
        int64_t a1 = k < n ? rows[k * ROW] : a->words, b1 = k < n ? rows[k * ROW + 2] : b->words;
        if (k > 0 && k < n && b1 < b0)
            continue; /* the next passage jumps back in B: no slot between them */
        if (0 < a1 - a0 && a1 - a0 <= limit && 0 < b1 - b0 && b1 - b0 <= limit)
            total += number_conflict(a, b, a0, a1, b0, b1, NULL);
    }
    return total;
}

PyDoc_STRVAR(passages_doc,
             "passages(quads, a, b, common, limits, alike) -> (rows, blocks, conflicts, agree)\n\n"
             "Chains exact blocks (`quads`, as `blocks` gives them) into passages and keeps the\n"
             "longest that do not overlap, as align.py says. `a`, `b`: (hashes, numeric, quoted,\n"
             "grams) of each text; `common`: the corpus's boilerplate anchors, sorted uint64;\n"
             "`limits`: (max_gap_words, fuzzy_gap_words, number_slot_words, min_passage_words,\n"
             "ngram_words, anchor_modulo); `alike(a0, a1, b0, b1)`: whether two longer gaps read alike. `rows`: int64 rows of 12 per kept passage in (a0, b0) order: a0 a1 b0 b1\n"
             "matched solid conflicts quotes_a quotes_b anchors commons blocks (the counts of quoted\n"
             "words, and of anchors and boilerplate anchors over its n-gram positions); `blocks`:\n"
             "their blocks' quads, passage after passage; `conflicts`: number conflicts inside the\n"
             "kept passages and in the slots around them (a dropped chain's are none of the pair's); `agree`: numbers inside their blocks.");

static PyObject *passages(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    long long gap, fuzzy, slot_words, min_words, n, modulo;
    if (nargs != 6 || !PyArg_ParseTuple(args[4], "LLLLLL", &gap, &fuzzy, &slot_words, &min_words, &n, &modulo)) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "passages() takes 6 arguments");
        return NULL;
    }
    if (fuzzy < gap)
        fuzzy = gap;
    Views v = {.count = 0};
    Side a = {0}, b = {0};
    if (!PyBytes_Check(args[0]) || PyBytes_GET_SIZE(args[0]) % (4 * sizeof(int64_t))) {
        PyErr_SetString(PyExc_TypeError, "passages: quads must be bytes of int64 quads, as blocks() gives");
        return NULL;
    }
    const int64_t *quads = (const int64_t *)PyBytes_AS_STRING(args[0]);
    Py_ssize_t count = PyBytes_GET_SIZE(args[0]) / (Py_ssize_t)(4 * sizeof(int64_t));
    Chain *chains = NULL;
    Link *links = NULL;
    Py_ssize_t *active = NULL, *place = NULL;
    int64_t *rows = NULL, conflicts = 0, agree = 0;
    Int64s kept_blocks = {0};
    PyObject *result = NULL;
    Py_ssize_t ncommon;
    const uint64_t *common = view(&v, args[3], 8, 0, &ncommon);
    if (common == NULL || side_of(&v, args[1], &a) < 0 || side_of(&v, args[2], &b) < 0)
        goto done;
    count_anchors(&a, modulo, common, ncommon);
    for (Py_ssize_t k = 0; k < count; k++) {
        const int64_t *q = quads + 4 * k;
        if (outside(q, a.words, b.words)) {
            PyErr_SetString(PyExc_ValueError, "passages: a block lies outside its text");
            goto done;
        }
    }
    chains = PyMem_Malloc(sizeof(Chain) * (size_t)(count + 1));
    links = PyMem_Malloc(sizeof(Link) * (size_t)(count + 1));
    active = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(2 * count + 2));
    rows = PyMem_Malloc(sizeof(int64_t) * ROW * (size_t)(count + 1));
    if (!chains || !links || !active || !rows) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t nchains = chain_blocks(quads, count, &a, &b, gap, fuzzy, slot_words, args[5], chains, links, active);
    if (nchains < 0)
        goto done;
    /* each chain's links, in the order they were placed: chain c's at place[chains[c].first..] */
    place = active + count + 1;
    for (Py_ssize_t c = 0, at = 0; c < nchains; c++) {
        chains[c].first = at;
        at += chains[c].count;
        chains[c].count = 0;
    }
    for (Py_ssize_t k = 0; k < count; k++) {
        Chain *ch = &chains[links[k].chain];
        place[ch->first + ch->count++] = k;
    }
    qsort(chains, (size_t)nchains, sizeof(Chain), longest_first);
    Py_ssize_t nrows = 0;
    for (Py_ssize_t c = 0; c < nchains; c++) {
        const Chain *ch = &chains[c];
        if (ch->matched < min_words || overlaps(rows, nrows, 0, ch->a0, ch->a1) || overlaps(rows, nrows, 2, ch->b0, ch->b1))
            continue;
        int64_t solid = 0, run = 0;
        for (Py_ssize_t k = ch->first; k < ch->first + ch->count; k++) {
            const Link *l = &links[place[k]];
            if (l->after_conflict) {
                solid = run > solid ? run : solid;
                run = 0;
            }
            run += l->a1 - l->a0;
            agree += a.numbers[l->a1] - a.numbers[l->a0];
        }
        conflicts += ch->conflicts; /* of the kept passages only, as `agree` */
        solid = run > solid ? run : solid;
        /* anchors over n-gram positions [a0, a1 - n + 1), within the text's grams */
        int64_t g0 = ch->a0 < a.ngrams ? ch->a0 : a.ngrams, g1 = ch->a1 - n + 1;
        g1 = g1 < g0 ? g0 : (g1 > a.ngrams ? a.ngrams : g1);
        int64_t *row = rows + ROW * nrows++;
        int64_t values[ROW] = {ch->a0, ch->a1, ch->b0, ch->b1, ch->matched, solid, ch->conflicts,
                               a.quotes[ch->a1] - a.quotes[ch->a0], b.quotes[ch->b1] - b.quotes[ch->b0],
                               a.anchors[g1] - a.anchors[g0], a.commons[g1] - a.commons[g0], c};
        memcpy(row, values, sizeof values);
    }
    qsort(rows, (size_t)nrows, sizeof(int64_t) * ROW, by_a0); /* kept passages never share an a0 */
    conflicts += slot_conflicts(rows, nrows, &a, &b, slot_words);
    /* the chain in each row's last column becomes its count of blocks, listed in order */
    for (Py_ssize_t r = 0; r < nrows; r++) {
        const Chain *ch = &chains[rows[r * ROW + ROW - 1]];
        for (Py_ssize_t k = ch->first; k < ch->first + ch->count; k++) {
            const Link *l = &links[place[k]];
            if (push(&kept_blocks, l->a0) < 0 || push(&kept_blocks, l->a1) < 0 || push(&kept_blocks, l->b0) < 0 ||
                push(&kept_blocks, l->b1) < 0)
                goto done;
        }
        rows[r * ROW + ROW - 1] = ch->count;
    }
    result = Py_BuildValue("(y#y#LL)", (const char *)rows, (Py_ssize_t)(nrows * ROW * sizeof(int64_t)),
                           kept_blocks.items ? (const char *)kept_blocks.items : "", (Py_ssize_t)(kept_blocks.len * sizeof(int64_t)),
                           (long long)conflicts, (long long)agree);
done:
    PyMem_Free(a.numbers);
    PyMem_Free(b.numbers);
    PyMem_Free(chains);
    PyMem_Free(links);
    PyMem_Free(active);
    PyMem_Free(rows);
    PyMem_Free(kept_blocks.items);
    release(&v);
    return result;
}

/* --- Flanks: kept passages extended through short runs of equal words (align.py, step 5) --- */

/* The next run of >= 2 equal words beyond a passage end (`dir` 1: after (ea, eb), going right;
   -1: before it, going left) on the passage's own diagonal: `skip` words further on both sides,
   the nearest first, skip <= `gap`, inside the limits. A run is taken only across skipped words
   that read as misread (`misread(a0, a1, b0, b1)`), not edited. Writes the run's quad; returns
   1, 0 when none, -1 on an error. */
static int flank_run(const uint64_t *ha, const uint64_t *hb, int64_t ea, int64_t eb, int64_t lim_a, int64_t lim_b,
                     int64_t gap, int dir, PyObject *misread, int64_t *quad) {
    for (int64_t skip = 0; skip <= gap; skip++) {
        /* i, j: the run's first word beyond the end; its second lies one step further */
        int64_t i = dir > 0 ? ea + skip : ea - 1 - skip, j = dir > 0 ? eb + skip : eb - 1 - skip;
        if (dir > 0 ? (i + 1 >= lim_a || j + 1 >= lim_b) : (i - 1 < lim_a || j - 1 < lim_b))
            return 0;
        if (ha[i] != hb[j] || ha[i + dir] != hb[j + dir])
            continue;
        if (skip) {
            int yes = dir > 0 ? read_alike(misread, ea, i, eb, j) : read_alike(misread, i + 1, ea, j + 1, eb);
            if (yes < 0)
                return -1;
            if (!yes)
                continue;
        }
        int64_t far_i = i + dir, far_j = j + dir; /* the run, as long as it goes */
        while (dir > 0 ? (far_i + 1 < lim_a && far_j + 1 < lim_b) : (far_i - 1 >= lim_a && far_j - 1 >= lim_b)) {
            if (ha[far_i + dir] != hb[far_j + dir])
                break;
            far_i += dir;
            far_j += dir;
        }
        int64_t q[4] = {dir > 0 ? i : far_i, (dir > 0 ? far_i : i) + 1, dir > 0 ? j : far_j, (dir > 0 ? far_j : j) + 1};
        memcpy(quad, q, sizeof q);
        return 1;
    }
    return 0;
}

PyDoc_STRVAR(flanks_doc,
             "flanks(rows, a_hashes, b_hashes, gap, misread) -> quads\n\n"
             "Blocks that extend the kept passages (`rows`, as `passages` gives them) into their\n"
             "flanks: runs of >= 2 equal words on each passage's diagonal, each within `gap` words of\n"
             "the end reached so far, across skipped words that `misread(a0, a1, b0, b1)` accepts,\n"
             "never into another passage or its flanks; int64 quads (a0, a1, b0, b1), passage after\n"
             "passage, longest first as `passages` keeps them, the right flank before the left.");

static PyObject *flanks(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    long long gap;
    if (nargs != 5 || !PyBytes_Check(args[0]) || PyBytes_GET_SIZE(args[0]) % (ROW * sizeof(int64_t)) ||
        (gap = PyLong_AsLongLong(args[3])) < 0) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "flanks(rows, a_hashes, b_hashes, gap, misread): rows are bytes as passages() gives, gap >= 0");
        return NULL;
    }
    const int64_t *rows = (const int64_t *)PyBytes_AS_STRING(args[0]);
    Py_ssize_t nrows = PyBytes_GET_SIZE(args[0]) / (Py_ssize_t)(ROW * sizeof(int64_t)), na, nb;
    Views v = {.count = 0};
    Int64s out = {0};
    Chain *spans = NULL;
    PyObject *result = NULL;
    const uint64_t *ha = view(&v, args[1], 8, 0, &na);
    const uint64_t *hb = ha ? view(&v, args[2], 8, 0, &nb) : NULL;
    if (hb == NULL)
        goto done;
    /* the passages' spans as they grow, longest first (as passages() kept them): a passage's
       flanks stop at the spans of the others, so no two passages grow into the same words */
    spans = PyMem_Malloc(sizeof(Chain) * (size_t)(nrows + 1));
    if (spans == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t r = 0; r < nrows; r++) {
        const int64_t *p = rows + r * ROW;
        if (outside(p, na, nb)) {
            PyErr_SetString(PyExc_ValueError, "flanks: a passage lies outside its text");
            goto done;
        }
        spans[r] = (Chain){.a0 = p[0], .a1 = p[1], .b0 = p[2], .b1 = p[3], .matched = p[4]};
    }
    qsort(spans, (size_t)nrows, sizeof(Chain), longest_first);
    for (Py_ssize_t r = 0; r < nrows; r++) {
        Chain *p = &spans[r];
        for (int dir = 1; dir >= -1; dir -= 2) {
            int64_t lim_a = dir > 0 ? na : 0, lim_b = dir > 0 ? nb : 0; /* the nearest other span */
            for (Py_ssize_t k = 0; k < nrows; k++) {
                const Chain *o = &spans[k];
                if (k == r)
                    continue;
                if (dir > 0) {
                    lim_a = o->a0 >= p->a1 && o->a0 < lim_a ? o->a0 : lim_a;
                    lim_b = o->b0 >= p->b1 && o->b0 < lim_b ? o->b0 : lim_b;
                } else {
                    lim_a = o->a1 <= p->a0 && o->a1 > lim_a ? o->a1 : lim_a;
                    lim_b = o->b1 <= p->b0 && o->b1 > lim_b ? o->b1 : lim_b;
                }
            }
            int64_t quad[4];
            int found;
            while ((found = flank_run(ha, hb, dir > 0 ? p->a1 : p->a0, dir > 0 ? p->b1 : p->b0, lim_a, lim_b, gap, dir,
                                      args[4], quad)) == 1) {
                for (int x = 0; x < 4; x++)
                    if (push(&out, quad[x]) < 0)
                        goto done;
                if (dir > 0) {
                    p->a1 = quad[1];
                    p->b1 = quad[3];
                } else {
                    p->a0 = quad[0];
                    p->b0 = quad[2];
                }
            }
            if (found < 0)
                goto done;
        }
    }
    result = PyBytes_FromStringAndSize(out.items ? (const char *)out.items : "", (Py_ssize_t)(out.len * sizeof(int64_t)));
done:
    PyMem_Free(spans);
    PyMem_Free(out.items);
    release(&v);
    return result;
}

static PyMethodDef methods[] = {
    {"word_table", (PyCFunction)(void (*)(void))word_table, METH_FASTCALL, word_table_doc},
    {"table_size", table_size, METH_O, table_size_doc},
    {"tokens", (PyCFunction)(void (*)(void))tokens, METH_FASTCALL, tokens_doc},
    {"hashes", (PyCFunction)(void (*)(void))hashes, METH_FASTCALL, hashes_doc},
    {"quoted", (PyCFunction)(void (*)(void))quoted, METH_FASTCALL, quoted_doc},
    {"ngrams", (PyCFunction)(void (*)(void))ngrams, METH_FASTCALL, ngrams_doc},
    {"ngram_index", (PyCFunction)(void (*)(void))ngram_index, METH_FASTCALL, ngram_index_doc},
    {"minhash", (PyCFunction)(void (*)(void))minhash, METH_FASTCALL, minhash_doc},
    {"argsort", (PyCFunction)(void (*)(void))argsort, METH_FASTCALL, argsort_doc},
    {"forest", (PyCFunction)(void (*)(void))forest, METH_FASTCALL, forest_doc},
    {"band_keys", (PyCFunction)(void (*)(void))band_keys, METH_FASTCALL, band_keys_doc},
    {"agreement", (PyCFunction)(void (*)(void))agreement, METH_FASTCALL, agreement_doc},
    {"blocks", (PyCFunction)(void (*)(void))blocks, METH_FASTCALL, blocks_doc},
    {"shared", (PyCFunction)(void (*)(void))shared, METH_FASTCALL, shared_doc},
    {"passages", (PyCFunction)(void (*)(void))passages, METH_FASTCALL, passages_doc},
    {"flanks", (PyCFunction)(void (*)(void))flanks, METH_FASTCALL, flanks_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_kernels", "The copies stage's per-token, per-shingle and per-seed loops, in C.", -1, methods,
};

PyMODINIT_FUNC PyInit__kernels(void) { return PyModule_Create(&module); }
