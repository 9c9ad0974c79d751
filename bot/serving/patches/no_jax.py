"""TensorFlow 2.12 imports jax (about 100 MB resident) only for tf.lite's jax converter, which
Rasa never uses: `import jax` is made to fail, which TensorFlow handles (it is optional there)."""

from __future__ import annotations

import sys


def install() -> None:
    sys.modules.setdefault("jax", None)  # type: ignore[arg-type]
