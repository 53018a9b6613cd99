"""Trace studies from Python: `run` is `mmusim run --json`, `sweep` gives the rows of `mmusim
sweep --json` (each point on each trace, run here one after another)."""
import ctypes
import itertools
import json
import os
import re

from ._library import MmusimError, library, take_text
from .mmu import config_text


def _study(fn, traces, config, keys):
    if isinstance(traces, (str, os.PathLike)):
        traces = [traces]
    names = [os.fspath(t).encode() for t in traces]
    if not names:
        raise MmusimError("run: give at least one trace")
    arr = (ctypes.c_char_p * len(names))(*names)
    err = ctypes.create_string_buffer(600)
    text = take_text(fn(config_text(config, **keys).encode(), arr, len(names), err, len(err)))
    if text is None:
        raise MmusimError(err.value.decode())
    return text


def run(traces, config=None, **keys):
    """Runs the traces (a file name or a list of them: one process each, as `mmusim run`)
    through the configuration; returns the figures of `mmusim run --json` as a dict."""
    return json.loads(_study(library().mmusim_run_json, traces, config, keys))


_INT = re.compile(r"-?[0-9]+$")
_FLOAT = re.compile(r"-?[0-9]+\.[0-9]*(e[-+]?[0-9]+)?$")


def _value(text):
    """A CSV field as `mmusim sweep --json` gives it: a number where it is one, else the text
    ("nan", "4k")."""
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    return text


def trace_names(traces):
    """Each trace's name as a sweep gives it: the shortest end of its path that tells it from
    the others' (a/x.gz and b/x.gz; x.gz when alone)."""
    parts = [os.path.normpath(os.fspath(t)).split(os.sep) for t in traces]
    names = []
    for p in parts:
        for n in range(1, len(p) + 1):
            end = p[-n:]
            if all(q == p or q[-n:] != end for q in parts):
                break
        names.append(os.sep.join(end))
    return names


def sweep(traces, vary, config=None, dataframe=None, **keys):
    """Runs every point of the grid `vary` ({key: [values]}, the keys of `mmusim run`; the
    first key varies slowest) on each trace, with the other keys fixed (config and keyword
    keys).  Returns the rows of `mmusim sweep --json`: "trace", the point's keys, then the
    figures of sweep.csv.  A pandas DataFrame when pandas is installed (dataframe=None) or
    asked for (True), else a list of dicts."""
    if isinstance(traces, (str, os.PathLike)):
        traces = [traces]
    if not vary:
        raise MmusimError("sweep: vary names no key")
    names = list(vary)
    for k in names:
        if isinstance(vary[k], (str, bytes)) or not hasattr(vary[k], "__iter__"):
            raise MmusimError("sweep: vary[%r] must be a list of values" % k)
    labels = trace_names(traces)
    rows = []
    for trace, label in zip(traces, labels):
        for values in itertools.product(*(list(vary[k]) for k in names)):
            point = dict(zip(names, values))
            point_keys = dict(keys)
            point_keys.update({k.replace(".", "__"): v for k, v in point.items()})
            text = _study(library().mmusim_run_csv, [trace], config, point_keys)
            header, line = text.strip("\n").split("\n")
            row = {"trace": label}
            row.update(point)
            row.update(zip(header.split(","), (_value(f) for f in line.split(","))))
            rows.append(row)
    return _as_frame(rows, dataframe)


def _as_frame(rows, dataframe):
    if dataframe is False:
        return rows
    try:
        import pandas
    except ImportError:
        if dataframe:
            raise MmusimError("sweep: dataframe=True needs pandas, which is not installed")
        return rows
    return pandas.DataFrame(rows)
