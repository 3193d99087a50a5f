"""Documents attached to steps: the value an event keeps (name, type, size, SHA-256), the folder that keeps
the bytes by their hash, and events that carry documents beside events stored before documents were kept."""

from __future__ import annotations

import hashlib
import io
import json
import stat
from pathlib import Path
from typing import cast
from uuid import UUID

import pytest
from eventsourcing.domain import DomainEventProtocol
from pydantic import ValidationError

from activities.documents import DocumentFolder
from activities.store.mapper import JsonTranscoder, PydanticMapper
from domain import events as ev
from domain.attachments import (
    Attachment,
    DocumentMismatch,
    DocumentMissing,
    DocumentTooLarge,
    sha256_of,
    size_text,
)
from domain.engagement import Engagement
from domain.values import Step
from tests.unit.engagement_steps import (
    RECORDED_AT,
    STATE_NAME,
    focal_point,
    law_summary,
    open_engagement,
    training,
    whole_case,
    withdraw,
)
from usecases.documents import file_name, media_type_of

MAPPER = PydanticMapper(transcoder=JsonTranscoder())
LAW = b"Ley 1768 de 10 de marzo de 1997, Codigo Penal"


def attachment(data: bytes = LAW, name: str = "ley-1768.pdf") -> Attachment:
    return Attachment(name=name, media_type="application/pdf", size=len(data), sha256=sha256_of(data))


def test_a_document_is_named_by_the_sha256_of_its_bytes_in_lower_case_hex() -> None:
    named = Attachment(name="ley.pdf", size=3, sha256=hashlib.sha256(b"abc").hexdigest().upper())

    assert sha256_of(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert named.sha256 == sha256_of(b"abc")
    assert named.short_hash == "ba7816bf8f01"
    assert named.media_type == "application/octet-stream"
    assert named.described() == "ley.pdf (3 bytes, sha256 ba7816bf8f01)"


@pytest.mark.parametrize(
    "wrong",
    [
        {"name": "../etc/passwd"},
        {"name": "C:\\Temp\\ley.pdf"},
        {"name": ""},
        {"name": "ley\u202e.pdf"},
        {"size": -1},
        {"size": "12"},
        {"sha256": "abc"},
        {"sha256": "g" * 64},
        {"media_type": "text/html; charset=utf-8"},
        {"media_type": "pdf"},
        {"content": "the bytes"},
    ],
)
def test_a_document_reference_that_is_no_file_name_size_type_or_digest_is_refused(
    wrong: dict[str, object],
) -> None:
    fields = {"name": "ley.pdf", "size": 3, "sha256": sha256_of(b"abc")} | wrong

    with pytest.raises(ValidationError):
        Attachment.model_validate(fields)


def test_sizes_read_as_a_person_says_them() -> None:
    assert [size_text(n) for n in (0, 1, 1023, 1024, 1536, 20 * 1024 * 1024)] == [
        "0 bytes",
        "1 byte",
        "1023 bytes",
        "1.0 KB",
        "1.5 KB",
        "20.0 MB",
    ]


def test_a_file_name_from_a_client_loses_its_folders_and_its_type_falls_back_on_the_extension() -> None:
    assert file_name("C:\\Users\\aq\\ley.pdf") == "ley.pdf"
    assert file_name("/home/aq/ley.pdf") == "ley.pdf"
    assert file_name("") == file_name("..") == "document"
    assert media_type_of("ley.pdf", "application/octet-stream") == "application/pdf"
    assert media_type_of("ley.pdf", "Text/Plain; charset=utf-8") == "text/plain"
    assert media_type_of("notes", None) == "application/octet-stream"


def test_the_folder_keeps_bytes_once_under_their_hash_for_their_owner_alone(tmp_path: Path) -> None:
    folder = DocumentFolder(tmp_path / "documents", max_bytes=1024)

    first = folder.store(io.BytesIO(LAW), "ley-1768.pdf", "application/pdf")
    again = folder.store(io.BytesIO(LAW), "copia.pdf", "application/pdf")

    kept = tmp_path / "documents" / "sha256" / first.sha256[:2] / first.sha256
    assert first == attachment()
    assert (again.sha256, again.name) == (first.sha256, "copia.pdf")
    assert kept.read_bytes() == LAW
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert [p.name for p in (tmp_path / "documents").rglob("*") if p.is_file()] == [first.sha256]
    assert folder.read_path(first.sha256) == kept
    assert folder.digest_of(first.sha256) == first.sha256
    folder.check(first)


def test_bytes_over_the_limit_or_not_matching_the_hash_given_are_refused_and_nothing_is_kept(
    tmp_path: Path,
) -> None:
    folder = DocumentFolder(tmp_path / "documents", max_bytes=len(LAW) - 1)
    roomy = DocumentFolder(tmp_path / "documents", max_bytes=1024)

    with pytest.raises(DocumentTooLarge, match=r"^ley\.pdf is larger than 44 bytes, the most a document may"):
        folder.store(io.BytesIO(LAW), "ley.pdf", "application/pdf")
    with pytest.raises(DocumentMismatch, match=f"its bytes hash to {sha256_of(LAW)}, not {'0' * 64}"):
        roomy.store(io.BytesIO(LAW), "ley.pdf", "application/pdf", expected="0" * 64)

    assert [p for p in (tmp_path / "documents").rglob("*") if p.is_file()] == []


def test_a_document_named_but_not_stored_or_stored_otherwise_is_refused(tmp_path: Path) -> None:
    folder = DocumentFolder(tmp_path / "documents", max_bytes=1024)
    stored = folder.store(io.BytesIO(LAW), "ley.pdf", "application/pdf")

    with pytest.raises(DocumentMissing, match="No document with SHA-256"):
        folder.check(attachment(b"never stored"))
    with pytest.raises(DocumentMismatch, match="is 45 bytes as stored, not 3"):
        folder.check(stored.model_copy(update={"size": 3}))
    kept = folder.path_of(stored.sha256)
    kept.write_bytes(LAW.replace(b"1997", b"1998"))
    with pytest.raises(DocumentMismatch, match="no longer hashes to it"):
        folder.check(stored)
    assert folder.read_path("../" * 10 + "etc/passwd") is None
    with pytest.raises(ValueError, match="is not a SHA-256"):
        folder.path_of("../ab")


def test_any_step_carries_documents_and_the_case_lists_them_by_step_for_its_round() -> None:
    summary, letter, reasons = (
        attachment(),
        attachment(b"Note verbale", "note.pdf"),
        attachment(b"r", "r.pdf"),
    )
    engagement = Engagement.open(open_engagement(documents=[letter]), STATE_NAME, RECORDED_AT)
    engagement.execute(law_summary(documents=[summary]), RECORDED_AT)
    engagement.execute(focal_point(), RECORDED_AT)

    listed = engagement.view().documents
    assert [(d.step, d.event, d.version, d.name) for d in listed] == [
        (Step.REQUEST, "RequestReceived", 1, "note.pdf"),
        (Step.LAW_SUMMARY, "LawSummaryReceived", 2, "ley-1768.pdf"),
    ]

    engagement.execute(withdraw(documents=[reasons]), RECORDED_AT)
    engagement.execute(open_engagement(effective_date=RECORDED_AT.date()), RECORDED_AT)
    assert [(d.step, d.name) for d in engagement.view().documents] == []


def test_an_event_without_documents_is_stored_as_before_and_one_stored_before_them_loads() -> None:
    engagement = Engagement.open(open_engagement(), STATE_NAME, RECORDED_AT)
    engagement.execute(law_summary(), RECORDED_AT)
    engagement.execute(focal_point(documents=[attachment()]), RECORDED_AT)
    plain, with_documents = [MAPPER.to_stored_event(e) for e in engagement.collect_events()[1:]]

    assert "documents" not in json.loads(plain.state)
    assert json.loads(with_documents.state)["documents"] == [attachment().model_dump(mode="json")]
    loaded = cast(ev.EngagementEvent, MAPPER.to_domain_event(plain))
    assert loaded.documents == ()
    back = cast(ev.EngagementEvent, MAPPER.to_domain_event(with_documents))
    assert back.documents == (attachment(),)
    assert MAPPER.to_stored_event(cast(DomainEventProtocol[UUID], back)).state == with_documents.state


def test_documents_are_part_of_what_a_command_asks_but_none_leaves_its_digest_as_before() -> None:
    plain = training(command_id="c-1")

    assert "documents" not in plain.model_dump(mode="json")
    assert plain.digest() == training(command_id="c-1", documents=[]).digest()
    assert plain.digest() != training(command_id="c-1", documents=[attachment()]).digest()


def test_a_whole_case_records_a_document_at_each_step_it_was_attached_to() -> None:
    document = attachment()
    engagement = Engagement.open(open_engagement(documents=[document]), STATE_NAME, RECORDED_AT)
    for command in whole_case():
        engagement.execute(command.model_copy(update={"documents": (document,)}), RECORDED_AT)

    assert {d.step for d in engagement.view().documents} == {s for s in Step}
