"""The bridge between torch and the rest of synthtab: seeds, devices and weights.

Randomness: every fit and sample runs inside :func:`seeded`, which forks
torch's global generator, seeds the fork from the caller's numpy
``Generator`` and restores the user's state afterwards, so dropout, weight
initialisation and noise all follow the synthesizer's one seed without
touching global state.

Weights persist as numpy arrays in ``state_dict`` order (no pickle, no
``torch.load``); the architecture is rebuilt from the parameters and the
layout before the arrays are copied back in.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch
from torch import nn

from synthtab.errors import InvalidParameterError, ModelFileError
from synthtab.random import integer_seed


class _ThreadSetting:
    """torch's thread count is process-wide: the first caller in saves it, the last out
    restores it, so block threads sampling at once do not undo each other."""

    lock = threading.Lock()
    depth = 0
    saved = 1


@contextmanager
def cpu_threads(threads: int) -> Iterator[None]:
    """Run the block with ``threads`` torch CPU threads, then restore the caller's setting.

    Tabular networks are small: with more threads, each of their many small
    operations pays to wake the others, and on a busy machine waiting threads
    burn the CPU the working one needs (on adult, CTGAN's 10 epochs took 22 s
    of CPU on one thread and 215 s on two).
    """
    with _ThreadSetting.lock:
        if _ThreadSetting.depth == 0:
            _ThreadSetting.saved = torch.get_num_threads()
            torch.set_num_threads(threads)
        _ThreadSetting.depth += 1
    try:
        yield
    finally:
        with _ThreadSetting.lock:
            _ThreadSetting.depth -= 1
            if _ThreadSetting.depth == 0:
                torch.set_num_threads(_ThreadSetting.saved)


@contextmanager
def seeded(rng: np.random.Generator, device: torch.device) -> Iterator[None]:
    """Run the block with torch's generators seeded from ``rng``, then restore them."""
    devices = [device.index or 0] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(integer_seed(rng))
        yield


def torch_generator(rng: np.random.Generator, device: torch.device) -> torch.Generator:
    """A torch generator seeded from ``rng``: sampling uses no global state, so threads
    drawing row blocks at once stay reproducible."""
    return torch.Generator(device=device).manual_seed(integer_seed(rng))


def resolve_device(name: str, owner: str) -> torch.device:
    """The torch device for ``device=``, or a clear error when it is not available."""
    if name == "cuda" and not torch.cuda.is_available():
        raise InvalidParameterError(
            f"The 'device' parameter of {owner} is 'cuda', but torch sees no CUDA GPU here; "
            "use device='cpu'."
        )
    if name == "mps" and not torch.backends.mps.is_available():
        raise InvalidParameterError(
            f"The 'device' parameter of {owner} is 'mps', but this torch has no MPS backend; "
            "use device='cpu'."
        )
    return torch.device(name)


def module_arrays(module: nn.Module) -> list[np.ndarray]:
    """A module's parameters and buffers as numpy arrays, in ``state_dict`` order."""
    return [t.detach().cpu().numpy().copy() for t in module.state_dict().values()]


def load_module_arrays(module: nn.Module, arrays: list[np.ndarray], what: str) -> None:
    """Copy arrays saved by :func:`module_arrays` back into ``module``."""
    names = list(module.state_dict())
    if len(arrays) != len(names):
        raise ModelFileError(
            f"The saved {what} has {len(arrays)} weight arrays but the model needs "
            f"{len(names)}; the file does not match its parameters."
        )
    state = {}
    for name, saved, current in zip(names, arrays, module.state_dict().values(), strict=True):
        array = np.asarray(saved)
        if tuple(array.shape) != tuple(current.shape):
            raise ModelFileError(
                f"The saved {what} weight '{name}' has shape {array.shape}, "
                f"expected {tuple(current.shape)}."
            )
        state[name] = torch.as_tensor(array, dtype=current.dtype)
    module.load_state_dict(state)
