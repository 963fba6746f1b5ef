"""Map a list's header words to row fields by synonyms, so other wordings ingest unchanged."""

from __future__ import annotations

ROW_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("政策内容", "任务内容", "工作任务", "具体任务", "重点任务", "任务"),
    "category": ("主要任务", "重点领域", "任务类别", "类别"),
    "lead": ("牵头单位", "牵头部门", "主责单位"),
    "responsible": ("责任单位", "责任部门", "配合单位", "配合部门", "协办单位"),
    "due": ("完成时间", "完成时限", "时间节点"),
}
# Columns that open an institution's own measures; the columns after them are its units and due.
MEASURE_FIELDS: dict[str, tuple[str, ...]] = {
    "actions": ("具体举措", "落实举措", "具体措施"),
    "targets": ("完成目标", "预期目标"),
    "units": ("责任单位", "责任部门", "责任单位（部门）", "责任单位(部门)"),
    "due": ("完成时间", "完成时限", "时间节点"),
}
NUMBER_HEADER = "序号"


def _match(header: str, table: dict[str, tuple[str, ...]]) -> str | None:
    for field, words in table.items():
        if header in words:
            return field
    for field, words in table.items():
        if any(header.startswith(word) for word in words):
            return field
    return None


def map_headers(headers: list[str]) -> list[str | None]:
    """Field names for the columns after 序号: row fields, then `measures.<field>` once measures begin.

    A column whose header matches nothing maps to None and is ignored.
    """
    fields: list[str | None] = []
    in_measures = False
    for header in headers:
        if not in_measures and _match(header, {"actions": MEASURE_FIELDS["actions"],
                                              "targets": MEASURE_FIELDS["targets"]}):
            in_measures = True
        if in_measures:
            field = _match(header, MEASURE_FIELDS)
            fields.append(f"measures.{field}" if field else None)
        else:
            fields.append(_match(header, ROW_FIELDS))
    return fields
