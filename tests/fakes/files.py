"""Files: uploads and file_ids, photos with their sizes, documents, and downloads."""

from __future__ import annotations

import itertools
import mimetypes
import struct
import zlib
from urllib.parse import urlparse

from tests.fakes.messages import MessagesMixin, without_empty
from tests.fakes.protocol import JSON, BotApiError, api_method, bad_request
from tests.fakes.records import StoredFile, UploadedFile

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


class FilesMixin(MessagesMixin):
    """Every stored file has a file_id to send again and a file_path to download."""

    def __init__(self) -> None:
        super().__init__()
        self.files: dict[str, StoredFile] = {}
        self._file_ids = itertools.count(1)
        self._files_by_path: dict[str, StoredFile] = {}

    def file_by_path(self, file_path: str) -> StoredFile | None:
        """The file served at ``/file/bot<token>/<file_path>``."""
        with self._lock:
            return self._files_by_path.get(file_path)

    def register_file(
        self,
        data: bytes,
        folder: str,
        *,
        filename: str | None = None,
        mime_type: str | None = None,
    ) -> StoredFile:
        """Store bytes under a new file_id/file_path (uploads and user-sent media)."""
        with self._lock:
            number = next(self._file_ids)
            suffix = ""
            if filename and "." in filename:
                suffix = "." + filename.rsplit(".", 1)[1]
            elif mime_type:
                suffix = mimetypes.guess_extension(mime_type) or ""
            stored = StoredFile(
                file_id=f"FAKE{folder[:3].upper()}{number:08d}",
                file_unique_id=f"U{number:08d}",
                file_path=f"{folder}/file_{number}{suffix}",
                filename=filename,
                mime_type=mime_type,
                data=bytes(data),
            )
            self.files[stored.file_id] = stored
            self._files_by_path[stored.file_path] = stored
            return stored

    def photo_sizes(self, stored: StoredFile) -> list[JSON]:
        """PhotoSize list for an image: a thumbnail plus the (capped) original, smallest first."""
        size = image_size(stored.data)
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        width, height = size
        if width + height > 10_000 or max(width, height) > 20 * max(min(width, height), 1):
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        sizes: list[JSON] = []
        for side in (90, 320, 800, 1280):
            scale = min(side / max(width, height), 1.0)
            w, h = max(round(width * scale), 1), max(round(height * scale), 1)
            if sizes and (w, h) == (sizes[-1]["width"], sizes[-1]["height"]):
                break
            variant = stored if scale == 1.0 else self.register_file(stored.data, "thumbnails")
            sizes.append(_photo_size(variant, w, h))
        return sizes

    def _input_file(
        self, params: JSON, files: dict[str, UploadedFile], key: str, folder: str
    ) -> StoredFile:
        """Resolve an InputFile parameter: multipart upload, attach://, file_id or URL."""
        value = params.get(key)
        upload = files.get(key)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value.removeprefix("attach://"))
            if upload is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
        if upload is not None:
            return self._store_upload(upload, folder)
        if isinstance(value, str) and value in self.files:
            return self.files[value]
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            name = urlparse(value).path.rsplit("/", 1)[-1] or None
            return self.register_file(b"", folder, filename=name)
        if value:
            raise bad_request("wrong file identifier/HTTP URL specified")
        raise bad_request(f"there is no {key} in the request")

    def _store_upload(self, upload: UploadedFile, folder: str) -> StoredFile:
        if not upload.data:
            raise bad_request("file must be non-empty")
        if len(upload.data) > MAX_DOCUMENT_BYTES:
            raise BotApiError(413, "Request Entity Too Large")
        mime = upload.mime_type
        if not mime or mime == "application/octet-stream":
            mime = mimetypes.guess_type(upload.filename)[0] or mime
        return self.register_file(upload.data, folder, filename=upload.filename, mime_type=mime)

    @api_method("sendDocument")
    def _send_document(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat = self._writable_chat(params)
        caption = self._caption(params)
        stored = self._input_file(params, files, "document", "documents")
        document = _document(stored)
        return self._send(chat, params, without_empty({"document": document, **caption}))

    @api_method("sendPhoto")
    def _send_photo(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat = self._writable_chat(params)
        caption = self._caption(params)
        stored = self._input_file(params, files, "photo", "photos")
        photo = self.photo_sizes(stored)
        content = without_empty({"photo": photo, **caption})
        if params.get("has_spoiler"):
            content["has_media_spoiler"] = True
        return self._send(chat, params, content)

    @api_method("getFile")
    def _get_file(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        stored = self.files.get(str(params.get("file_id")))
        if stored is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG/JPEG/GIF/WebP, or None if Telegram could not process it."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return 512, 512
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        i += 2 + length
    return None


def tiny_png(width: int = 2, height: int = 2) -> bytes:
    """A valid grey PNG, for tests that need image bytes the fake accepts as a photo."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


def _document(stored: StoredFile) -> JSON:
    document: JSON = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
    }
    if stored.filename:
        document["file_name"] = stored.filename
    if stored.mime_type:
        document["mime_type"] = stored.mime_type
    return document


def _photo_size(stored: StoredFile, width: int, height: int) -> JSON:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
        "width": width,
        "height": height,
    }
