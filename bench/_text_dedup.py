"""text-dedup 0.4 (PyPI `text-dedup`) MinHash LSH as a peer: its own pipeline, in-process.

0.4 offers MinHash only as a click command reading a `datasets` dataset; the only input that
needs no Hugging Face hub is `--local` (`load_from_disk`). So the texts are saved as a local
dataset in a temporary folder and the command's callback is called with the library's own
argument dataclasses: tokenise, 5-gram shingles, 128 permutations, threshold 0.5 (text-dedup
picks 25 bands x 5 rows), LSH, union-find, filter, save. Stdlib imports only at module level:
this file runs in whatever interpreter has text-dedup (it pins pyspark, datasets and more, so
it is best kept in a venv of its own; see bench/copies.py --text-dedup-python).
"""

from __future__ import annotations

import logging
import os
import tempfile


def text_dedup_labels(texts: list[str]) -> list[int]:
    """Each text's cluster (the union-find root index); texts under 5 tokens stay alone."""
    import datasets
    import numpy as np
    from text_dedup import minhash as td
    from text_dedup.utils import IOArgs, MetaArgs, MinHashArgs

    datasets.disable_progress_bars()
    logging.getLogger("text_dedup").setLevel(logging.WARNING)
    td.tqdm = lambda it, **_: it  # its LSH loops draw bare progress bars
    # the permutations come from a module-global RNG (MinHashArgs.seed is unused): reseed so
    # every call equals a fresh command-line run
    td.RNG = np.random.RandomState(td.SEED)
    with tempfile.TemporaryDirectory(prefix="text_dedup_") as tmp:
        source = os.path.join(tmp, "in")
        datasets.Dataset.from_dict({"text": texts}).save_to_disk(source)
        td.main.callback(
            io_args=IOArgs(
                path=source,
                output=os.path.join(tmp, "out"),
                local=True,
                cache_dir=os.path.join(tmp, "cache"),
                clean_cache=True,
                num_proc=len(os.sched_getaffinity(0)),
            ),
            meta_args=MetaArgs(column="text", batch_size=10_000),
            minhash_args=MinHashArgs(
                ngram=5, num_perm=128, threshold=0.5, min_length=5, hash_func="sha1", hash_bits=64
            ),
        )
        return [int(td.uf.find(i)) for i in range(len(texts))]
