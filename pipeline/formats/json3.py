"""YouTube's json3 timedtext (``yt-dlp --sub-format json3``).

Each event with ``segs`` is a caption line and each seg a word with its own
``tOffsetMs``; a corrected word goes back into the seg it came from, and the JSON keeps
every other field (``acAsrConf``, ``wWinId``, window events) as it was.

>>> src = '{"events": [{"tStartMs": 0, "dDurationMs": 900, "segs": [{"utf8": "Open"}, {"utf8": " AI", "tOffsetMs": 400}]}]}'
>>> d = read_json3(src, "a.json3")
>>> d.text, [s.time_ms for s in d.segments]
('Open AI', [0, 400])
"""

from __future__ import annotations

import copy
import json

from pipeline.errors import ParseError
from pipeline.model import Cue, Document, Segment

__all__ = ["read_json3", "write_json3"]


def read_json3(text: str, path: str = "<text>") -> Document:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(path, exc.lineno, exc.colno, f"invalid JSON: {exc.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise ParseError(path, None, None, "not YouTube json3 timedtext (no 'events' list)")
    parts, segments, cues, owners = [], [], [], []
    pos = 0
    for e_index, event in enumerate(data["events"]):
        if not isinstance(event, dict):
            raise ParseError(path, None, None, f"event {e_index} is not an object")
        segs = event.get("segs")
        if not segs or event.get("aAppend"):
            continue
        if not all(isinstance(s, dict) and isinstance(s.get("utf8", ""), str) for s in segs):
            raise ParseError(path, None, None, f"event {e_index} has malformed 'segs'")
        if not "".join(s.get("utf8", "") for s in segs).strip():
            continue
        start = int(event.get("tStartMs", 0))
        if cues:
            parts.append("\n")
            pos += 1
        cue = len(cues)
        cues.append(Cue(start, start + int(event.get("dDurationMs", 0)), line=0, identifier=str(e_index)))
        owners.append(e_index)
        for s_index, seg in enumerate(segs):
            piece = seg.get("utf8", "")
            segments.append(
                Segment(pos, pos + len(piece), cue=cue, line=0, time_ms=start + int(seg.get("tOffsetMs", 0)))
            )
            parts.append(piece)
            pos += len(piece)
    return Document(
        text="".join(parts),
        fmt="json3",
        path=path,
        regions=((0, pos),),
        segments=tuple(segments),
        cues=tuple(cues),
        language="",
        meta={"data": data, "compact": "\n" not in text.strip()},
    )


def write_json3(original: Document, corrected: Document) -> str:
    data = copy.deepcopy(original.meta["data"])
    drop = set()
    for cue_index, cue in enumerate(original.cues):
        event = data["events"][int(cue.identifier)]
        segs = corrected.segments_of(cue_index)
        texts = [corrected.text[s.start : s.end] for s in segs]
        if not "".join(texts).strip():
            drop.add(int(cue.identifier))
            continue
        for seg, new in zip(event["segs"], texts, strict=True):
            seg["utf8"] = new
    data["events"] = [e for i, e in enumerate(data["events"]) if i not in drop]
    if original.meta.get("compact"):
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
