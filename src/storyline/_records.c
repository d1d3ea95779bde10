/* Sets a frozen slots dataclass's fields directly: `storyline.records` makes and unpickles the
   pipeline's records (articles, passages, copies) with it.

   A frozen dataclass's own __init__ sets each field through object.__setattr__, by name, about
   0.24 us a field; the records of a corpus number in the millions, and the fields of a
   candidate pair's records alone (its texts, alignment, passages and copy) in the dozens. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

PyDoc_STRVAR(slots_doc, "slots(cls) -> the names of the slots `cls` declares itself, in the order `fill` sets them");

static PyObject *slots(PyObject *self, PyObject *cls) {
    if (!PyType_Check(cls)) {
        PyErr_SetString(PyExc_TypeError, "slots(cls: type)");
        return NULL;
    }
    PyObject *names = PyList_New(0);
    for (PyMemberDef *m = ((PyTypeObject *)cls)->tp_members; names && m && m->name; m++) {
        PyObject *name = PyUnicode_FromString(m->name);
        if (name == NULL || PyList_Append(names, name) < 0)
            Py_CLEAR(names);
        Py_XDECREF(name);
    }
    PyObject *result = names ? PyList_AsTuple(names) : NULL;
    Py_XDECREF(names);
    return result;
}

PyDoc_STRVAR(fill_doc,
             "fill(obj, values, order) -> obj\n\n"
             "Sets the k-th slot of `obj` (in the order `slots(type(obj))` names them) to\n"
             "values[order[k]], past any __setattr__: a frozen dataclass's own __init__ sets each\n"
             "field through object.__setattr__, by name, at ten times the cost.");

static PyObject *fill(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 3 || !PyTuple_Check(args[1]) || !PyTuple_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "fill(obj, values: tuple, order: tuple)");
        return NULL;
    }
    PyObject *obj = args[0], *values = args[1], *order = args[2];
    PyMemberDef *members = Py_TYPE(obj)->tp_members;
    Py_ssize_t n = PyTuple_GET_SIZE(values), k = 0;
    for (PyMemberDef *m = members; m && m->name; m++, k++)
        if (m->type != T_OBJECT_EX || (m->flags & READONLY)) {
            PyErr_Format(PyExc_TypeError, "fill: %.100s.%s is not a slot", Py_TYPE(obj)->tp_name, m->name);
            return NULL;
        }
    if (k != n || PyTuple_GET_SIZE(order) != n) {
        PyErr_Format(PyExc_TypeError, "fill: %.100s has %zd slots, got %zd values and %zd places",
                     Py_TYPE(obj)->tp_name, k, n, PyTuple_GET_SIZE(order));
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t at = PyLong_AsSsize_t(PyTuple_GET_ITEM(order, i));
        if (at < 0 || at >= n) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_IndexError, "fill: a place out of range");
            return NULL;
        }
        PyObject **slot = (PyObject **)((char *)obj + members[i].offset);
        PyObject *old = *slot;
        *slot = Py_NewRef(PyTuple_GET_ITEM(values, at));
        Py_XDECREF(old);
    }
    return Py_NewRef(obj);
}

static PyMethodDef methods[] = {
    {"slots", slots, METH_O, slots_doc},
    {"fill", (PyCFunction)(void (*)(void))fill, METH_FASTCALL, fill_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_records", "Sets a frozen slots dataclass's fields directly.", -1, methods,
};

PyMODINIT_FUNC PyInit__records(void) { return PyModule_Create(&module); }
