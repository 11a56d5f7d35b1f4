"""Frames to files: H.264 MP4 through the ffmpeg that imageio-ffmpeg ships, and an animated preview.

No system ffmpeg is needed (the registry package carries its own binary). The MP4 is written to a
temporary file beside the target and moved into place only when ffmpeg has finished without error, so a
full disk or a killed run never leaves half a film under the film's name; bit-exact flags and no
metadata make the same frames give the same file.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from PIL import Image

#: x264 at a quality where burned-in captions stay crisp; ``medium`` is x264's own default speed.
X264 = ["-c:v", "libx264", "-preset", "medium", "-crf", "20", "-pix_fmt", "yuv420p", "-tune", "animation"]
#: No encoder version, creation time or other metadata: equal frames give an equal file.
BITEXACT = ["-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact", "-movflags", "+faststart"]
#: The preview: this wide, a frame every PREVIEW_EVERY_S of film, played this many times faster.
PREVIEW_WIDTH, PREVIEW_EVERY_S, PREVIEW_SPEEDUP = 480, 0.5, 4
PREVIEW_MAX_BYTES = 3_000_000


class EncodeError(RuntimeError):
    """ffmpeg could not write the film; the message says why in words."""


def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def _reason(log: str) -> str:
    if "No space left on device" in log:
        return os.strerror(errno.ENOSPC).lower()
    if "Read-only file system" in log:
        return os.strerror(errno.EROFS).lower()
    if "Permission denied" in log:
        return os.strerror(errno.EACCES).lower()
    last = [line for line in log.splitlines() if line.strip()]
    return last[-1].strip() if last else "ffmpeg stopped"


@contextlib.contextmanager
def temporary_beside(target: Path) -> Iterator[Path]:
    """A temporary file in the target's folder (so the final move is atomic), removed on any failure."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    umask = os.umask(0)
    os.umask(umask)
    os.fchmod(fd, 0o666 & ~umask)  # mkstemp's 0600 would hide the film from a web server's user
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def encode_mp4(frames: Iterator[bytes], out: Path, width: int, height: int, fps: int) -> None:
    """Pipe raw RGB frames into ffmpeg; ``out`` is complete when this returns, absent if it raised."""
    command = [
        ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", str(fps), "-i", "-",
        "-an", *X264, "-r", str(fps), *BITEXACT, "-f", "mp4", str(out),
    ]  # fmt: skip
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log)
        try:
            for frame in frames:
                process.stdin.write(frame)
            process.stdin.close()
        except BrokenPipeError:
            pass  # ffmpeg stopped: its log says why
        except BaseException:
            process.kill()
            process.wait()
            raise
        finally:
            with contextlib.suppress(BrokenPipeError):
                process.stdin.close()
        code = process.wait()
        if code != 0:
            log.seek(0)
            raise EncodeError(_reason(log.read().decode("utf-8", "replace")))


def preview_frame(rgb: bytes, width: int, height: int) -> Image.Image:
    image = Image.frombytes("RGB", (width, height), rgb)
    return image.resize((PREVIEW_WIDTH, round(height * PREVIEW_WIDTH / width)), Image.Resampling.LANCZOS)


def preview_webp(images: list[Image.Image]) -> bytes:
    """An animated WebP of the film at ``PREVIEW_SPEEDUP`` times its speed, kept under 3 MB (every
    other frame dropped, then lower quality, until it fits)."""
    duration = round(PREVIEW_EVERY_S * 1000 / PREVIEW_SPEEDUP)
    quality, step = 60, 1
    while True:
        chosen = images[::step]
        out = io.BytesIO()
        chosen[0].save(
            out, format="WEBP", save_all=True, append_images=chosen[1:], duration=duration * step,
            loop=0, quality=quality, method=4,
        )  # fmt: skip
        data = out.getvalue()
        if len(data) <= PREVIEW_MAX_BYTES or len(chosen) < 4:
            return data
        if quality > 35:
            quality -= 15
        else:
            step *= 2
