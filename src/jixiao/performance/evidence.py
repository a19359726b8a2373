"""Evidence files (佐证材料): which types are accepted, read from their bytes, and how large they may be."""

from __future__ import annotations

import zipfile
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

__all__ = ["EVIDENCE_TYPES", "check_evidence", "evidence_max_bytes", "store_evidence"]

_E = TypeVar("_E")

# Content type → (leading bytes, file name endings). The type is read from the bytes; what the browser
# declares is only checked against it.
EVIDENCE_TYPES: dict[str, tuple[bytes | None, tuple[str, ...]]] = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04", (".docx",)),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK\x03\x04", (".xlsx",)),
    "application/msword": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", (".doc",)),
    "application/vnd.ms-excel": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", (".xls",)),
    "text/plain": (None, (".txt",)),
}


def evidence_max_bytes() -> int:
    """``JIXIAO_EVIDENCE_MAX_BYTES`` in the settings (20 MiB unless set)."""
    return int(settings.JIXIAO_EVIDENCE_MAX_BYTES)


def check_evidence(upload: UploadedFile) -> str:
    """The content type of an evidence file read from its bytes, or a ``ValidationError`` saying why not.

    Refused: larger than ``evidence_max_bytes()``, a type not in ``EVIDENCE_TYPES``, a name ending that does
    not fit the bytes, or a declared type that differs from what the bytes are.
    """
    name = upload.name or ""
    size = upload.size or 0
    limit = evidence_max_bytes()
    if size > limit:
        raise ValidationError(f"佐证材料“{name}”大小{size}字节，超过上限{limit}字节", code="too_large")
    if size == 0:
        raise ValidationError(f"佐证材料“{name}”是空文件", code="empty")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    lower = name.lower()
    for content_type, (magic, endings) in EVIDENCE_TYPES.items():
        if not lower.endswith(endings):
            continue
        if magic is not None and not head.startswith(magic):
            raise ValidationError(f"佐证材料“{name}”的内容不是{endings[0]}文件", code="content_mismatch")
        if magic is None and not _is_text(head):
            raise ValidationError(f"佐证材料“{name}”不是UTF-8文本", code="content_mismatch")
        if content_type in _OFFICE_PARTS:
            _check_office(upload, name, endings[0], _OFFICE_PARTS[content_type])
        declared = (getattr(upload, "content_type", None) or "").split(";")[0].strip().lower()
        if declared and declared not in (content_type, "application/octet-stream"):
            raise ValidationError(
                f"佐证材料“{name}”声明的类型{declared}与文件内容（{content_type}）不符",
                code="content_mismatch",
            )
        return content_type
    allowed = "、".join(e for _, endings in EVIDENCE_TYPES.values() for e in endings)
    raise ValidationError(f"佐证材料“{name}”的类型不允许；允许：{allowed}", code="type_not_allowed")


# A Word or Excel file is a zip archive, but not every zip is one: these members say which it is.
_OFFICE_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "word/document.xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xl/workbook.xml",
}


def _check_office(upload: UploadedFile, name: str, ending: str, part: str) -> None:
    """A .docx or .xlsx is a readable zip archive, not encrypted, holding the parts of its format."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError, OSError):
        raise ValidationError(
            f"佐证材料“{name}”不是完整的{ending}文件（压缩包损坏或被截断）", code="content_mismatch"
        ) from None
    finally:
        upload.seek(0)
    names = {info.filename for info in members}
    if "[Content_Types].xml" not in names or part not in names:
        raise ValidationError(
            f"佐证材料“{name}”的内容不是{ending}文件（缺少{part}）", code="content_mismatch"
        )
    if any(info.flag_bits & 0x1 for info in members):
        raise ValidationError(f"佐证材料“{name}”设有密码，请去除密码后再上传", code="encrypted")


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The first 8 KiB may end inside a character.
        return error.start >= len(head) - 3
    return True


def store_evidence(row: _E, upload: UploadedFile, content_type: str) -> _E:
    """Save ``row`` (an unsaved evidence row with ``file``, ``original_name``, ``content_type`` and ``size``)
    with the upload ``check_evidence`` read as ``content_type``: the file under MEDIA_ROOT, then the row."""
    stored: Any = row
    stored.original_name = (upload.name or "")[:255]
    stored.content_type = content_type
    stored.size = upload.size or 0
    stored.file.save(upload.name or "evidence", upload, save=False)
    stored.save()
    return row
