/* The copies stage's per-token and per-shingle loops, in C.

   Profiles put a third of the stage in three loops that Python can only run per element:
   finding words (`patterns.WORD`), looking each one up in a memo of its normal form or hash,
   and MinHash's multiply-add-minimum over every shingle and permutation. Everything else stays
   in Python and numpy; these functions give exactly what the Python versions gave
   (tests/copies/test_kernels.py checks the word scanner against the regex).

   A word, as `patterns.WORD` matches it, scanning left to right:
     \d+(?:[.,/-]\d+)+                     a number with inner separators ("5,456,000"), or
     W+(?:(?:['’‘`´]|-[ \t]*\n[ \t]*)W+)*  letters joined by apostrophes or line-break hyphens,
   where W is \w or a combining accent (U+0300..U+036F), \d a decimal digit and \w what the re
   module calls a word character (alphanumeric or "_"). */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t len;
} Chars;

static inline Py_UCS4 at(const Chars *s, Py_ssize_t i) { return PyUnicode_READ(s->kind, s->data, i); }

static inline int is_digit(Py_UCS4 c) { return c < 128 ? (c >= '0' && c <= '9') : Py_UNICODE_ISDECIMAL(c); }

static inline int is_word(Py_UCS4 c) {
    if (c < 128)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    return Py_UNICODE_ISALNUM(c) || (c >= 0x300 && c <= 0x36f);
}

static inline int is_apostrophe(Py_UCS4 c) {
    return c == '\'' || c == 0x2019 || c == 0x2018 || c == '`' || c == 0xb4;
}

static Py_ssize_t skip_blanks(const Chars *s, Py_ssize_t i) {
    while (i < s->len && (at(s, i) == ' ' || at(s, i) == '\t'))
        i++;
    return i;
}

static Py_ssize_t skip_word_chars(const Chars *s, Py_ssize_t i) {
    while (i < s->len && is_word(at(s, i)))
        i++;
    return i;
}

static Py_ssize_t skip_digits(const Chars *s, Py_ssize_t i) {
    while (i < s->len && is_digit(at(s, i)))
        i++;
    return i;
}

/* End of the number starting at `i` (a digit), or -1 when no separated group follows. */
static Py_ssize_t number_end(const Chars *s, Py_ssize_t i) {
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
static Py_ssize_t joined_end(const Chars *s, Py_ssize_t i) {
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
        if (next >= s->len || !is_word(at(s, next)))
            break;
        end = skip_word_chars(s, next);
    }
    return end;
}

/* The next word at or after `*pos`: 1 and its bounds, or 0 at the end of the text. */
static int next_word(const Chars *s, Py_ssize_t *pos, Py_ssize_t *start, Py_ssize_t *end) {
    Py_ssize_t i = *pos;
    while (i < s->len && !is_word(at(s, i)))
        i++;
    if (i >= s->len)
        return 0;
    Py_ssize_t e = is_digit(at(s, i)) ? number_end(s, i) : -1;
    *start = i;
    *end = *pos = e >= 0 ? e : joined_end(s, i);
    return 1;
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

/* memo[word] as a new reference: the dict's own entry, else its __missing__ (which fills it). */
static PyObject *remembered(PyObject *memo, PyObject *text, Py_ssize_t start, Py_ssize_t end) {
    PyObject *word = PyUnicode_Substring(text, start, end);
    if (word == NULL)
        return NULL;
    PyObject *value = PyDict_GetItemWithError(memo, word);
    if (value != NULL)
        Py_INCREF(value);
    else if (!PyErr_Occurred())
        value = PyObject_GetItem(memo, word);
    Py_DECREF(word);
    return value;
}

/* A growable int64 array. */
typedef struct {
    int64_t *items;
    Py_ssize_t len, cap;
} Int64s;

static int push(Int64s *a, int64_t v) {
    if (a->len == a->cap) {
        Py_ssize_t cap = a->cap ? 2 * a->cap : 256;
        int64_t *items = PyMem_Realloc(a->items, (size_t)cap * sizeof(int64_t));
        if (items == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        a->items = items;
        a->cap = cap;
    }
    a->items[a->len++] = v;
    return 0;
}

static PyObject *as_bytes(Int64s *a) {
    return PyBytes_FromStringAndSize((const char *)a->items, a->len * (Py_ssize_t)sizeof(int64_t));
}

PyDoc_STRVAR(words_doc,
             "words(text, memo) -> (values, starts, ends)\n\n"
             "memo[w] for every word w of `text`, in order (a list), and the words' start and end\n"
             "offsets (native int64 bytes).");

static PyObject *words(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2 || !PyDict_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "words(text: str, memo: dict)");
        return NULL;
    }
    PyObject *text = args[0], *memo = args[1], *values = NULL, *result = NULL;
    Chars s;
    Int64s starts = {0}, ends = {0};
    if (chars_of(text, &s) < 0 || (values = PyList_New(0)) == NULL)
        goto done;
    Py_ssize_t pos = 0, start, end;
    while (next_word(&s, &pos, &start, &end)) {
        PyObject *value = remembered(memo, text, start, end);
        if (value == NULL)
            goto done;
        int failed = PyList_Append(values, value);
        Py_DECREF(value);
        if (failed || push(&starts, start) < 0 || push(&ends, end) < 0)
            goto done;
    }
    result = Py_BuildValue("(ONN)", values, as_bytes(&starts), as_bytes(&ends));
done:
    Py_XDECREF(values);
    PyMem_Free(starts.items);
    PyMem_Free(ends.items);
    return result;
}

PyDoc_STRVAR(hashes_doc,
             "hashes(texts, memo) -> (values, counts)\n\n"
             "memo[w] (an int below 2**64) for every word w of every text, concatenated (native\n"
             "uint64 bytes), and each text's word count (native int64 bytes).");

static PyObject *hashes(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2 || !PyDict_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "hashes(texts: Sequence[str], memo: dict)");
        return NULL;
    }
    PyObject *texts = PySequence_Fast(args[0], "hashes() expects a sequence of texts");
    if (texts == NULL)
        return NULL;
    PyObject *memo = args[1], *result = NULL;
    Int64s values = {0}, counts = {0};
    Py_ssize_t n = PySequence_Fast_GET_SIZE(texts);
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *text = PySequence_Fast_GET_ITEM(texts, k);
        Chars s;
        if (chars_of(text, &s) < 0)
            goto done;
        Py_ssize_t pos = 0, start, end, before = values.len;
        while (next_word(&s, &pos, &start, &end)) {
            PyObject *value = remembered(memo, text, start, end);
            if (value == NULL)
                goto done;
            uint64_t h = PyLong_AsUnsignedLongLong(value);
            Py_DECREF(value);
            if (h == (uint64_t)-1 && PyErr_Occurred())
                goto done;
            if (push(&values, (int64_t)h) < 0)
                goto done;
        }
        if (push(&counts, values.len - before) < 0)
            goto done;
    }
    result = Py_BuildValue("(NN)", as_bytes(&values), as_bytes(&counts));
done:
    Py_DECREF(texts);
    PyMem_Free(values.items);
    PyMem_Free(counts.items);
    return result;
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
    Py_buffer v[5];
    int got = 0;
    PyObject *result = NULL;
    for (; got < 5; got++) {
        int flags = got == 4 ? PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE : PyBUF_C_CONTIGUOUS;
        if (PyObject_GetBuffer(args[got], &v[got], flags) < 0)
            goto done;
    }
    const uint64_t *x = v[0].buf, *a = v[2].buf, *b = v[3].buf;
    const int64_t *starts = v[1].buf;
    uint32_t *out = v[4].buf;
    Py_ssize_t n = v[0].len / 8, sets = v[1].len / 8, perms = v[2].len / 8;
    if (v[3].len / 8 != perms || v[4].len / 4 != sets * perms) {
        PyErr_SetString(PyExc_ValueError, "minhash: buffer sizes disagree");
        goto done;
    }
    uint64_t *least = PyMem_Malloc((size_t)(perms ? perms : 1) * sizeof(uint64_t));
    if (least == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t k = 0; k < sets; k++) {
        Py_ssize_t lo = starts[k], hi = k + 1 < sets ? starts[k + 1] : n;
        for (Py_ssize_t p = 0; p < perms; p++)
            least[p] = UINT64_MAX;
        for (Py_ssize_t i = lo; i < hi; i++)
            for (Py_ssize_t p = 0; p < perms; p++) {
                uint64_t h = a[p] * x[i] + b[p];
                least[p] = h < least[p] ? h : least[p];
            }
        for (Py_ssize_t p = 0; p < perms; p++)
            out[k * perms + p] = (uint32_t)(least[p] >> 32);
    }
    Py_END_ALLOW_THREADS
    PyMem_Free(least);
    result = Py_NewRef(Py_None);
done:
    while (got-- > 0)
        PyBuffer_Release(&v[got]);
    return result;
}

static PyMethodDef methods[] = {
    {"words", (PyCFunction)(void (*)(void))words, METH_FASTCALL, words_doc},
    {"hashes", (PyCFunction)(void (*)(void))hashes, METH_FASTCALL, hashes_doc},
    {"minhash", (PyCFunction)(void (*)(void))minhash, METH_FASTCALL, minhash_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_kernels", "The copies stage's per-token and per-shingle loops, in C.", -1, methods,
};

PyMODINIT_FUNC PyInit__kernels(void) { return PyModule_Create(&module); }
