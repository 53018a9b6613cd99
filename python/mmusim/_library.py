"""Finding and loading libmmusim_handle.so, the model behind mmusim/handle.h, with its
functions' signatures."""
import ctypes
import ctypes.util
import os

LIBRARY_NAME = "libmmusim_handle.so"
RESP_WORDS = 9  # enum mmusim_resp_word's MMUSIM_RESP_WORDS


class MmusimError(Exception):
    """An error the model reported: a bad configuration, request, trace or memory access."""


def _candidates():
    """Where the library may be, first found first: $MMUSIM_LIBRARY, the copy built into this
    package by `pip install`, then the system's (an installed mmusim, in the loader's path)."""
    env = os.environ.get("MMUSIM_LIBRARY")
    if env:
        yield env
        return
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), LIBRARY_NAME)
    if os.path.exists(here):
        yield here
    found = ctypes.util.find_library("mmusim_handle")
    yield found or LIBRARY_NAME


def _load():
    tried = []
    for path in _candidates():
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            tried.append("%s (%s)" % (path, e))
            continue
        _declare(lib)
        return lib
    raise MmusimError("cannot load the mmusim library: tried %s; set MMUSIM_LIBRARY to the "
                      "path of %s (built by `cmake --build BUILD --target mmusim_handle`)"
                      % ("; ".join(tried), LIBRARY_NAME))


_u64 = ctypes.c_uint64
_p64 = ctypes.POINTER(ctypes.c_uint64)
_h = ctypes.c_void_p
_err = ctypes.c_char_p
_size = ctypes.c_size_t

READ_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, _u64, _p64)
WRITE_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, _u64, _u64)


def _declare(lib):
    c_int, c_uint = ctypes.c_int, ctypes.c_uint
    sig = {
        "mmusim_new": (_h, [ctypes.c_char_p, ctypes.c_char_p, _size]),
        "mmusim_new_rtl": (_h, [ctypes.c_char_p, c_uint, ctypes.c_char_p, _size]),
        "mmusim_free": (None, [_h]),
        "mmusim_error": (ctypes.c_char_p, [_h]),
        "mmusim_set_memory": (c_int, [_h, READ_FN, WRITE_FN, ctypes.c_void_p]),
        "mmusim_mem_read": (c_int, [_h, _u64, _p64]),
        "mmusim_mem_write": (c_int, [_h, _u64, _u64]),
        "mmusim_alloc_frame": (c_int, [_h, _p64]),
        "mmusim_root": (_u64, [_h]),
        "mmusim_map": (c_int, [_h, _u64, _u64, c_uint, _u64]),
        "mmusim_unmap": (c_int, [_h, _u64, c_uint]),
        "mmusim_protect": (c_int, [_h, _u64, c_uint, _u64]),
        "mmusim_translate": (c_int, [_h, _u64, c_uint, c_int, c_int, _u64, _p64]),
        "mmusim_issue": (c_int, [_h, _u64, c_uint, c_int, c_int, c_uint, _u64, _p64]),
        "mmusim_advance": (c_int, [_h, _u64]),
        "mmusim_poll": (c_int, [_h, _p64]),
        "mmusim_next_event": (_u64, [_h]),
        "mmusim_next_free_cycle": (_u64, [_h]),
        "mmusim_outstanding": (c_uint, [_h]),
        "mmusim_control": (c_int, [_h, c_uint, _u64, _u64, c_uint, c_uint, c_uint,
                                   ctypes.c_uint32, _p64]),
        # (Text is returned as a pointer, to be freed by the library that allocated it.)
        "mmusim_stats_json": (ctypes.c_void_p, [_h]),
        "mmusim_config_json": (ctypes.c_void_p, [_h]),
        "mmusim_free_text": (None, [ctypes.c_void_p]),
        "mmusim_stats_reset": (None, [_h]),
        "mmusim_run_json": (ctypes.c_void_p, [ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p),
                                              c_uint, ctypes.c_char_p, _size]),
        "mmusim_run_csv": (ctypes.c_void_p, [ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p),
                                             c_uint, ctypes.c_char_p, _size]),
        "mmu_fault_name": (ctypes.c_char_p, [c_int]),
        "mmu_source_name": (ctypes.c_char_p, [c_int]),
        "mmu_access_name": (ctypes.c_char_p, [c_int]),
    }
    for name, (restype, argtypes) in sig.items():
        f = getattr(lib, name)
        f.restype = restype
        f.argtypes = argtypes


lib = None


def library():
    """The loaded library (loaded on first use, so that importing never fails)."""
    global lib
    if lib is None:
        lib = _load()
    return lib


def take_text(ptr):
    """The text at ptr, which the library allocated; frees it."""
    if not ptr:
        return None
    try:
        return ctypes.string_at(ptr).decode()
    finally:
        library().mmusim_free_text(ptr)
