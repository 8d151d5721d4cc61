"""The `{item:item}` path parameter: any file name, including ones with a newline.

Starlette's `path` convertor is `.*`, and `.` stops at a newline, so `photo\\n1.jpg` (a legal
Linux file name) found no route and answered 404. This one matches every character.
"""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor


class ItemConvertor(Convertor[str]):
    regex = "(?s:.+)"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("item", ItemConvertor())
