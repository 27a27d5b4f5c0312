"""``SummaryWriter``: torch's API for TensorBoard event files."""

from __future__ import annotations

import os
import socket
import time
from datetime import datetime

from . import summary


def _event_file_writer(logdir: str, max_queue: int, flush_secs: int, filename_suffix: str):
    summary.protos()  # the install hint comes before anything is created
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    return EventFileWriter(logdir, max_queue, flush_secs, filename_suffix)


class SummaryWriter:
    """Writes TensorBoard event files under ``log_dir`` (default ``runs/<date>_<host><comment>``).

    Example:
        >>> with SummaryWriter("runs/mlp") as w:
        ...     w.add_scalar("loss/train", loss.item(), step)
    """

    def __init__(
        self,
        log_dir: str | None = None,
        comment: str = "",
        purge_step: int | None = None,
        max_queue: int = 10,
        flush_secs: int = 120,
        filename_suffix: str = "",
    ) -> None:
        if log_dir is None:
            stamp = datetime.now().strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", f"{stamp}_{socket.gethostname()}{comment}")
        self.log_dir = os.fspath(log_dir)
        self._options = (max_queue, flush_secs, filename_suffix)
        self._writer = _event_file_writer(self.log_dir, *self._options)
        self._children: dict[str, object] = {}  # add_scalars: one writer per series, as torch
        if purge_step is not None:
            self._add_event(file_version="brain.Event:2", step=purge_step)
            self._add_event(session_log_start=True, step=purge_step)

    def get_logdir(self) -> str:
        return self.log_dir

    def _add_event(self, writer=None, *, step=None, walltime=None, **fields) -> None:
        event_pb2, _, _, _ = summary.protos()
        if fields.pop("session_log_start", False):
            fields["session_log"] = event_pb2.SessionLog(status=event_pb2.SessionLog.START)
        event = event_pb2.Event(wall_time=time.time() if walltime is None else walltime, **fields)
        if step is not None:
            event.step = int(step)
        (writer or self._writer).add_event(event)

    def add_scalar(self, tag: str, scalar_value, global_step=None, walltime=None, **_) -> None:
        self._add_event(summary=summary.scalar(tag, scalar_value), step=global_step, walltime=walltime)

    def add_scalars(self, main_tag: str, tag_scalar_dict: dict, global_step=None, walltime=None) -> None:
        """Several series in one chart: each is written under ``<log_dir>/<main_tag>_<tag>``."""
        walltime = time.time() if walltime is None else walltime
        for tag, value in tag_scalar_dict.items():
            path = os.path.join(self.log_dir, f"{main_tag.replace('/', '_')}_{tag}")
            if path not in self._children:
                self._children[path] = _event_file_writer(path, *self._options)
            event = dict(summary=summary.scalar(main_tag, value), step=global_step, walltime=walltime)
            self._add_event(self._children[path], **event)

    def add_histogram(
        self, tag: str, values, global_step=None, bins="tensorflow", walltime=None, max_bins=None
    ):
        histogram = summary.histogram(tag, values, bins, max_bins)
        self._add_event(summary=histogram, step=global_step, walltime=walltime)

    def add_image(self, tag: str, img_tensor, global_step=None, walltime=None, dataformats: str = "CHW"):
        self._add_event(
            summary=summary.image(tag, img_tensor, dataformats), step=global_step, walltime=walltime
        )

    def add_text(self, tag: str, text_string: str, global_step=None, walltime=None) -> None:
        self._add_event(summary=summary.text(tag, text_string), step=global_step, walltime=walltime)

    def add_graph(self, model, input_to_model=None, verbose: bool = False, use_strict_trace: bool = True):
        """The autograd graph of ``model(input_to_model)`` (a tensor or a tuple of tensors)."""
        inputs = input_to_model if isinstance(input_to_model, (tuple, list)) else (input_to_model,)
        self._add_event(graph_def=summary.graph(model, inputs).SerializeToString())

    def flush(self) -> None:
        for w in (self._writer, *self._children.values()):
            w.flush()

    def close(self) -> None:
        for w in (self._writer, *self._children.values()):
            w.close()

    def __enter__(self) -> SummaryWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
