"""The upload form of the import page: several form files at once, each size-capped."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

MAX_FILES = 20
MAX_FILE_BYTES = 20 * 1024 * 1024
SUFFIXES = (".txt", ".docx", ".xlsx", ".xls", ".pdf")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(SUFFIXES)}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        files = (
            [single(d, initial) for d in data] if isinstance(data, list | tuple) else [single(data, initial)]
        )
        chosen = [f for f in files if f]
        if not chosen and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return chosen


class UploadForm(forms.Form):
    uploads = MultipleFileField(
        label=_("绩效表文件"),
        help_text=_("可一次选择多个文件：Word（.docx）、Excel（.xlsx、.xls）、PDF 或文本；每个不超过 20 MB"),
        error_messages={"required": _("请选择要导入的文件")},
    )

    def clean_uploads(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["uploads"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("一次最多导入 %(n)d 个文件") % {"n": MAX_FILES})
        for upload in files:
            if (upload.size or 0) > MAX_FILE_BYTES:
                raise forms.ValidationError(
                    _("文件“%(name)s”超过 20 MB，不像是一张绩效表") % {"name": upload.name}
                )
            if (upload.size or 0) == 0:
                raise forms.ValidationError(_("文件“%(name)s”是空的") % {"name": upload.name})
        return files
