"""The recovery file's bytes: written a piece at a time (the autosave worker hands the GIL back to the
window between pieces), byte for byte what one ``json.dumps`` of the record gave before."""
import json
import os

import pytest

from deplab.app.model import recovery_file


def written_before(rec: dict) -> bytes:
    """The recovery file's bytes as the earlier, one-piece write produced them."""
    head = {k: v for k, v in rec.items() if k != "sentences"}
    parts = [json.dumps(head, ensure_ascii=False)[:-1], ', "sentences": {']
    parts.append(", ".join(f'"{k}": {json.dumps(t, ensure_ascii=False)}' for k, t in rec["sentences"].items()))
    parts.append("}}")
    return "".join(parts).encode("utf-8")


def awkward_sentences(n: int) -> dict[int, str]:
    """Made-up CoNLL-U texts with what JSON escapes or UTF-8 encodes in several bytes."""
    out = {}
    for i in range(n):
        form = ["naïve", "“quoted”", 'a"b', "back\\slash", "日本語", "😀", "tab"][i % 7]
        out[i * 3] = f"# sent_id = s{i}\n# text = {form}\n1\t{form}\t{form}\tX\t_\t_\t0\troot\t_\t_\n"
    return out


@pytest.mark.parametrize("n", [0, 1, 50, 400])
@pytest.mark.parametrize("chunk", [1, 100, recovery_file.CHUNK_CHARS])
def test_the_pieces_are_the_bytes_of_before(n, chunk):
    rec = recovery_file.record("/x/ü.conllu", "ab12", "ü.conllu", 1200, "\r\n", awkward_sentences(n))
    pieces = list(recovery_file.encoded_chunks(rec, chunk))
    assert b"".join(pieces) == written_before(rec) == json.dumps(rec, ensure_ascii=False).encode("utf-8")
    if n >= 50 and chunk == 100:
        assert len(pieces) > 10  # really written in pieces


def test_the_file_written_is_byte_identical_and_reads_back(tmp_path, monkeypatch):
    monkeypatch.setattr(recovery_file, "CHUNK_CHARS", 257)  # many piece boundaries
    rec = recovery_file.record(None, None, "Untitled", 400, "\n", awkward_sentences(400))
    path = tmp_path / "r.deplab-recovery.json"
    recovery_file.write(path, rec)
    assert path.read_bytes() == written_before(rec)
    assert recovery_file.load(path) == json.loads(json.dumps(rec))
    assert [f for f in os.listdir(tmp_path)] == [path.name]  # the atomic write left no temporary
