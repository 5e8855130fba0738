"""read_case and CaseFramework: the CASE 1.1 reader, on hand-written packages in tests/fixtures/case/.

``primary_maths.json`` is a complete (fictional) framework: a CFDocument, two
strands, three clusters, eleven objectives, an isChildOf tree with sequence
numbers, nine ``precedes`` links, an ``exactMatchOf`` and a ``precedes`` to
nodes of other frameworks and an ``isRelatedTo``. ``addition_slice.json`` is a
small package; each other file is that slice with one defect.
"""

from __future__ import annotations

import copy
import io
import json
import re
from pathlib import Path
from typing import Any

import attrs
import pytest

from personalise.exceptions import (
    CyclicPrerequisiteError,
    GraphError,
    InvalidParameterError,
    PersonaliseError,
    UnknownSkillError,
)
from personalise.graph import compile_graph
from personalise.io.case import (
    ASSOCIATION_TYPES,
    CaseDocument,
    CaseFramework,
    CaseItem,
    read_case,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "case"
PRIMARY = FIXTURES / "primary_maths.json"
SLICE = FIXTURES / "addition_slice.json"


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def ids_by_code(path: Path) -> dict[str, str]:
    return {item["humanCodingScheme"]: item["identifier"] for item in load(path)["CFItems"]}


ID = ids_by_code(PRIMARY)
CODE = {identifier: code for code, identifier in ID.items()}
DOCUMENT_ID = "72186330-2ff7-5a6c-80c2-1fecebe1263f"
EMPTY = compile_graph([])

# identifiers in the slice (and so in every broken fixture)
N_A, N_A_1, N_A_2, N_A_3, N_A_4 = (ids_by_code(SLICE)[c] for c in ("N.A", "N.A.1", "N.A.2", "N.A.3", "N.A.4"))
PRECEDES_1_2 = "b50912ff-1439-5787-b8ae-82fd9105b60e"  # N.A.1 precedes N.A.2
PRECEDES_2_3 = "bb718088-fad9-59ed-a57f-e219c856708c"  # N.A.2 precedes N.A.3
PRECEDES_2_4 = "1f99bced-06d2-5129-9916-bb27084c8172"  # N.A.2 precedes N.A.4
CHILD_2 = "10508c87-ef6b-5a6e-a41b-0e3a17895dc0"  # N.A.2 isChildOf N.A
CHILD_3 = "1f72ec1e-a228-5eff-bfde-290dd61d8c01"  # N.A.3 isChildOf N.A


def codes(framework: CaseFramework, ids: Any) -> list[str]:
    return [framework.items[i].human_coding or "" for i in ids]


def uid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def tiny(*links: tuple[str, int, int], n_items: int = 3, **extra: Any) -> dict[str, Any]:
    """A package with items 1..n_items (codes T.1...) and associations (type, origin, destination); document is 0."""
    return {
        "CFDocument": {"identifier": uid(0), "title": "Tiny"},
        "CFItems": [{"identifier": uid(n), "humanCodingScheme": f"T.{n}", "fullStatement": f"Statement {n}"}
                    for n in range(1, n_items + 1)],
        "CFAssociations": [{"identifier": uid(100 + k), "associationType": kind,
                            "originNodeURI": {"identifier": uid(origin)},
                            "destinationNodeURI": {"identifier": uid(destination)}}
                           for k, (kind, origin, destination) in enumerate(links)],
        **extra,
    }


# ------------------------------------------------------------------ the framework
@pytest.fixture(scope="module")
def primary() -> CaseFramework:
    return read_case(PRIMARY)


def test_objectives_become_skills_and_precedes_links_become_edges(primary: CaseFramework) -> None:
    assert len(primary.items) == 16
    assert sorted(codes(primary, primary.graph.skill_ids)) == sorted(
        ["N.C.1", "N.C.2", "N.C.3", "N.C.4", "N.A.1", "N.A.2", "N.A.3", "N.A.4", "N.F.1", "N.F.2", "M.1"])
    edges = {(CODE[u], CODE[v]) for u, v in primary.graph.edges()}  # type: ignore[index]
    assert edges == {("N.C.1", "N.C.2"), ("N.C.1", "N.C.3"), ("N.C.3", "N.C.4"), ("N.C.4", "N.A.3"),
                     ("N.A.1", "N.A.2"), ("N.A.2", "N.A.3"), ("N.A.2", "N.A.4"), ("N.C.2", "N.F.1"),
                     ("N.F.1", "N.F.2")}
    assert primary.graph.prerequisites_of(ID["N.A.3"]) == (ID["N.C.4"], ID["N.A.2"])


def test_columns_follow_the_framework_and_put_prerequisites_first(primary: CaseFramework) -> None:
    # N.C.2 is listed before N.C.1 in the package; the isChildOf sequence numbers decide
    assert codes(primary, primary.graph.skill_ids) == [
        "N.C.1", "N.C.2", "N.C.3", "N.C.4", "N.A.1", "N.A.2", "N.A.3", "N.A.4", "N.F.1", "N.F.2", "M.1"]
    column = {skill: j for j, skill in enumerate(primary.graph.skill_ids)}
    assert all(column[u] < column[v] for u, v in primary.graph.edges())


def test_a_prerequisite_elsewhere_in_the_tree_moves_the_column_forward() -> None:
    data = load(PRIMARY)
    data["CFAssociations"].append({"identifier": uid(999), "associationType": "precedes",
                                   "originNodeURI": {"identifier": ID["M.1"]},
                                   "destinationNodeURI": {"identifier": ID["N.C.3"]}})
    framework = read_case(data)
    assert codes(framework, framework.graph.skill_ids) == [
        "N.C.1", "N.C.2", "M.1", "N.C.3", "N.C.4", "N.A.1", "N.A.2", "N.A.3", "N.A.4", "N.F.1", "N.F.2"]


def test_the_tree_children_in_sequence_order_and_top_level(primary: CaseFramework) -> None:
    assert codes(primary, primary.top_level) == ["N", "M"]
    tree = {CODE[parent]: codes(primary, kids) for parent, kids in primary.children.items()}
    assert tree == {"N": ["N.C", "N.A", "N.F"], "N.C": ["N.C.1", "N.C.2", "N.C.3", "N.C.4"],
                    "N.A": ["N.A.1", "N.A.2", "N.A.3", "N.A.4"], "N.F": ["N.F.1", "N.F.2"], "M": ["M.1"]}
    assert list(primary.children) == [ID["N"], ID["N.C"], ID["N.A"], ID["N.F"], ID["M"]]
    assert DOCUMENT_ID not in primary.children


def test_items_keep_code_statement_type_and_sequence(primary: CaseFramework) -> None:
    count = primary.items[ID["N.C.1"]]
    assert count == CaseItem(
        ID["N.C.1"], "Count forwards and backwards to 100 in ones, starting from any number.", human_coding="N.C.1",
        item_type="Objective", abbreviated_statement="Count to 100", sequence=1,
        uri=f"https://case.northfield.example/uri/{ID['N.C.1']}")
    assert primary.items[ID["N.C.2"]].sequence == 2
    assert primary.items[ID["N"]].item_type == "Strand"
    assert primary.items[ID["M.1"]].item_type == "Objective"  # only CFItemTypeURI is given: its title
    assert list(primary.items) == list(ID.values())  # the package's order


def test_document_record(primary: CaseFramework) -> None:
    assert primary.document == CaseDocument(
        DOCUMENT_ID, "Primary Mathematics: Number and Measurement, Years 1 and 2",
        uri=f"https://case.northfield.example/uri/{DOCUMENT_ID}", creator="Northfield Primary Partnership",
        publisher="Northfield Primary Partnership", version="1.2", language="en", adoption_status="Adopted",
        case_version="1.1")


def test_skipped_says_what_was_left_out_and_why(primary: CaseFramework) -> None:
    assert primary.skipped == (
        ("8537dc0b-2c8f-5449-84d3-61d19e809e5f", "association 8537dc0b-2c8f-5449-84d3-61d19e809e5f precedes: "
         "destination 7794e44b-3416-57b3-8970-df66b1760208 ('Y3.F.1 Recognise and use unit fractions') is not in "
         "this package"),
        ("c0ceabe6-01cb-52b9-9d3e-85431dd6df17", "association c0ceabe6-01cb-52b9-9d3e-85431dd6df17 exactMatchOf: "
         "not a prerequisite type (prerequisite_types=('precedes',))"),
        ("59806dcf-ac78-5cf3-b86a-665b1be84c73", "association 59806dcf-ac78-5cf3-b86a-665b1be84c73 isRelatedTo: "
         "not a prerequisite type (prerequisite_types=('precedes',))"),
        (ID["N"], f"item {ID['N']} (N): a grouping item with 3 children and no prerequisite links; left out of "
         "the graph"),
        (ID["N.C"], f"item {ID['N.C']} (N.C): a grouping item with 4 children and no prerequisite links; left out "
         "of the graph"),
        (ID["N.A"], f"item {ID['N.A']} (N.A): a grouping item with 4 children and no prerequisite links; left out "
         "of the graph"),
        (ID["N.F"], f"item {ID['N.F']} (N.F): a grouping item with 2 children and no prerequisite links; left out "
         "of the graph"),
        (ID["M"], f"item {ID['M']} (M): a grouping item with 1 child and no prerequisite links; left out of the "
         "graph"),
    )


def test_label_is_code_and_statement_on_one_line(primary: CaseFramework) -> None:
    assert primary.label(ID["N.A.4"]) == ("N.A.4 Solve one-step word problems that involve addition and "
                                          "subtraction, using objects and pictures.")
    assert primary.label(ID["N"]) == "N Number"  # grouping items have labels too
    assert primary.labels()[0] == "N.C.1 Count forwards and backwards to 100 in ones, starting from any number."
    assert len(primary.labels()) == primary.graph.n_skills
    assert read_case(tiny()).label(uid(1)) == "T.1 Statement 1"
    no_code = tiny()
    del no_code["CFItems"][0]["humanCodingScheme"]
    assert read_case(no_code).label(uid(1)) == "Statement 1"


@pytest.mark.parametrize("bad", ["not-an-item", DOCUMENT_ID, 7, None, ["a"]])
def test_label_of_an_unknown_item(primary: CaseFramework, bad: Any) -> None:
    with pytest.raises(UnknownSkillError, match="not an item of the CASE framework 'Primary Mathematics"):
        primary.label(bad)


def test_repr_is_short(primary: CaseFramework) -> None:
    assert repr(primary) == ("CaseFramework('Primary Mathematics: Number and Measurement, Years 1 and 2', "
                             "n_items=16, n_skills=11, n_edges=9, n_skipped=8)")


def test_the_framework_is_frozen(primary: CaseFramework) -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        primary.graph = primary.graph  # type: ignore[misc]
    with pytest.raises(TypeError):
        primary.items[ID["N"]] = primary.items[ID["M"]]  # type: ignore[index]
    with pytest.raises(TypeError):
        primary.children[ID["N"]] = ()  # type: ignore[index]
    assert hash(primary) == hash(read_case(PRIMARY))


# ----------------------------------------------------------------------- sources
def test_every_kind_of_source_gives_the_same_framework(primary: CaseFramework, tmp_path: Path) -> None:
    text = PRIMARY.read_text(encoding="utf-8")
    with_bom = tmp_path / "bom.json"
    with_bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    with open(PRIMARY, encoding="utf-8") as text_file, open(PRIMARY, "rb") as binary_file:
        sources: list[Any] = [str(PRIMARY), PRIMARY, text_file, binary_file, text, "\n  " + text, text.encode("utf-8"),
                   load(PRIMARY), with_bom, io.StringIO(text)]
        for source in sources:
            assert read_case(source) == primary


def test_messages_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "my framework.json"
    data = load(SLICE)
    del data["CFItems"][2]["fullStatement"]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(GraphError, match=re.escape(f"{str(path)!r}: item {N_A_2} (CFItems[2]) has no fullStatement")):
        read_case(path)
    with pytest.raises(GraphError, match=re.escape(f"the CASE package: item {N_A_2} (CFItems[2])")):
        read_case(data)
    with pytest.raises(GraphError, match=re.escape(f"the CASE package text: item {N_A_2} (CFItems[2])")):
        read_case(json.dumps(data))


def test_missing_file_folder_and_wrong_source_type(tmp_path: Path) -> None:
    with pytest.raises(GraphError, match="no such CASE package file: .*nothing.json"):
        read_case(tmp_path / "nothing.json")
    with pytest.raises(GraphError, match="is a folder, not a CASE package file"):
        read_case(tmp_path)
    with pytest.raises(GraphError, match="embedded null byte"):
        read_case("case\x00.json")
    closed = io.StringIO(SLICE.read_text(encoding="utf-8"))
    closed.close()
    with pytest.raises(GraphError, match="cannot read the CASE package.*: I/O operation on closed file"):
        read_case(closed)

    class Failing(io.RawIOBase):
        def read(self, size: int = -1) -> bytes:
            raise OSError(5, "Input/output error")

    with pytest.raises(GraphError, match="cannot read the CASE package.*Input/output error"):
        read_case(Failing())
    with pytest.raises(InvalidParameterError, match="source must be a path, an open file or text; got int"):
        read_case(42)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="got list"):
        read_case([load(SLICE)])  # type: ignore[arg-type]


# ---------------------------------------------------------- prerequisite_types
def test_other_association_types_as_prerequisites() -> None:
    framework = read_case(PRIMARY, prerequisite_types=("precedes", "isRelatedTo"))
    assert (ID["M.1"], ID["N.C.3"]) in set(framework.graph.edges())
    assert framework.prerequisite_types == ("precedes", "isRelatedTo")
    assert "isRelatedTo: not a prerequisite type" not in " ".join(reason for _, reason in framework.skipped)
    exact = read_case(PRIMARY, prerequisite_types=["exactMatchOf", "precedes", "exactMatchOf"])
    assert exact.prerequisite_types == ("exactMatchOf", "precedes")
    assert ("c0ceabe6-01cb-52b9-9d3e-85431dd6df17", "association c0ceabe6-01cb-52b9-9d3e-85431dd6df17 "
            "exactMatchOf: destination df8080e3-c94e-502b-ad70-617fdf8e3cdc ('NC-KS1-N1') is not in this "
            "package") in exact.skipped


def test_no_prerequisite_types_gives_isolated_skills() -> None:
    framework = read_case(PRIMARY, prerequisite_types=())
    assert framework.graph.n_edges == 0
    assert framework.graph.n_skills == 11
    assert sum("precedes: not a prerequisite type (prerequisite_types=())" in r for _, r in framework.skipped) == 10


def test_extension_association_types() -> None:
    package = tiny(("ext:buildsOn", 1, 2), ("precedes", 2, 3))
    assert read_case(package).skipped[0][1] == (f"association {uid(100)} ext:buildsOn: not a prerequisite type "
                                                "(prerequisite_types=('precedes',))")
    framework = read_case(package, prerequisite_types=("ext:buildsOn", "precedes"))
    assert list(framework.graph.edges()) == [(uid(1), uid(2)), (uid(2), uid(3))]


@pytest.mark.parametrize(("types", "message"), [
    ("precedes", re.escape("must be a sequence of CASE association types such as ('precedes',), not a single "
                           "value; got 'precedes'")),
    (None, "not a single value; got None"),
    (5, "not a single value; got 5"),
    (("precedes", 3), r"prerequisite_types\[1\] must be a string; got 3"),
    (["Precedes"], r"prerequisite_types\[0\] is 'Precedes', not a CASE 1.1 association type \(did you mean "
                   r"'precedes'\?\)"),
    (("hasPrerequisite",), r"prerequisite_types\[0\] is 'hasPrerequisite', not a CASE 1.1 association type; "
                           r"known types: isChildOf, isPeerOf"),
    (("ext:",), r"prerequisite_types\[0\] is 'ext:', not a CASE 1.1"),
    (("isChildOf",), "cannot include 'isChildOf': isChildOf associations build the tree"),
])
def test_bad_prerequisite_types(types: Any, message: str) -> None:
    with pytest.raises(InvalidParameterError, match=message):
        read_case(SLICE, prerequisite_types=types)


def test_association_types_are_the_specification_vocabulary() -> None:
    assert ASSOCIATION_TYPES == ("isChildOf", "isPeerOf", "isPartOf", "exactMatchOf", "precedes", "isRelatedTo",
                                 "replacedBy", "exemplar", "hasSkillLevel", "isTranslationOf")
    for kind in ASSOCIATION_TYPES[1:]:
        framework = read_case(tiny((kind, 1, 2)), prerequisite_types=(kind,))
        assert list(framework.graph.edges()) == [(uid(1), uid(2))]


# -------------------------------------------------------------- tree and graph
def test_a_grouping_item_with_a_prerequisite_link_stays_in_the_graph() -> None:
    data = load(PRIMARY)
    data["CFAssociations"].append({"identifier": uid(999), "associationType": "precedes",
                                   "originNodeURI": {"identifier": ID["N.F"]},
                                   "destinationNodeURI": {"identifier": ID["M.1"]}})
    framework = read_case(data)
    assert ID["N.F"] in framework.graph.skill_ids
    assert framework.graph.prerequisites_of(ID["M.1"]) == (ID["N.F"],)
    assert ID["N.F"] not in [identifier for identifier, _ in framework.skipped]
    assert ID["N.F"] in framework.children


def test_repeated_associations_are_skipped_once_read() -> None:
    package = tiny(("isChildOf", 1, 0), ("isChildOf", 2, 1), ("isChildOf", 2, 1), ("precedes", 2, 3),
                   ("precedes", 2, 3))
    framework = read_case(package)
    assert framework.children == {uid(1): (uid(2),)}
    assert framework.skipped[:2] == (
        (uid(102), f"association {uid(102)} isChildOf: repeats association {uid(101)} ({uid(2)} isChildOf {uid(1)})"),
        (uid(104), f"association {uid(104)} precedes: repeats association {uid(103)} ({uid(2)} -> {uid(3)})"),
    )
    assert framework.graph.n_edges == 1


def test_an_item_with_two_parents() -> None:
    package = tiny(("isChildOf", 1, 0), ("isChildOf", 2, 0), ("isChildOf", 3, 1), ("isChildOf", 3, 2))
    package["CFAssociations"][2]["sequenceNumber"] = 4
    package["CFAssociations"][3]["sequenceNumber"] = 1
    framework = read_case(package)
    assert framework.children == {uid(1): (uid(3),), uid(2): (uid(3),)}
    assert framework.items[uid(3)].sequence == 4  # from its first isChildOf association
    assert framework.graph.skill_ids == (uid(3),)


def test_children_numbered_first_then_in_package_order() -> None:
    links = [("isChildOf", n, 1) for n in (5, 2, 4, 3)]
    package = tiny(*links, n_items=5)
    package["CFAssociations"][0]["sequenceNumber"] = 2
    package["CFAssociations"][2]["sequenceNumber"] = 1
    framework = read_case(package)
    assert framework.children[uid(1)] == (uid(4), uid(5), uid(2), uid(3))
    assert framework.items[uid(2)].sequence is None


def test_items_without_a_tree_keep_the_package_order() -> None:
    package = tiny(("precedes", 3, 1), n_items=4)
    package["CFItems"].reverse()
    framework = read_case(package)
    assert framework.graph.skill_ids == (uid(4), uid(3), uid(2), uid(1))
    assert framework.top_level == ()
    assert framework.children == {}


def test_an_item_whose_parent_is_elsewhere_is_read_after_the_tree() -> None:
    package = tiny(("isChildOf", 1, 0), ("isChildOf", 3, 1), ("isChildOf", 2, 77))
    package["CFAssociations"][2]["destinationNodeURI"]["title"] = "Another framework's cluster"
    framework = read_case(package)
    assert framework.graph.skill_ids == (uid(3), uid(2))
    title = "Another framework's cluster"
    assert framework.skipped[0] == (uid(102), f"association {uid(102)} isChildOf: destination (the parent) "
                                              f"{uid(77)} ({title!r}) is not in this package")


def test_associations_with_the_document_or_an_outside_origin_are_skipped() -> None:
    framework = read_case(tiny(("precedes", 0, 1), ("precedes", 1, 0), ("isChildOf", 55, 0), ("precedes", 56, 2)))
    assert [reason for _, reason in framework.skipped] == [
        f"association {uid(100)} precedes: origin {uid(0)} is the CFDocument, not an item",
        f"association {uid(101)} precedes: destination {uid(0)} is the CFDocument, not an item",
        f"association {uid(102)} isChildOf: origin (the child) {uid(55)} is not in this package",
        f"association {uid(103)} precedes: origin {uid(56)} is not in this package",
    ]


def test_an_empty_framework() -> None:
    framework = read_case({"CFDocument": {"identifier": uid(0), "title": "Empty"}})
    assert framework.graph.n_skills == 0
    assert framework.items == {} and framework.children == {} and framework.skipped == ()
    assert repr(framework) == "CaseFramework('Empty', n_items=0, n_skills=0, n_edges=0, n_skipped=0)"
    assert read_case({"CFDocument": {"identifier": uid(0), "title": "Empty"}, "CFItems": [],
                      "CFAssociations": []}) == framework


def test_fields_this_reader_does_not_need_are_accepted() -> None:
    """A CASE 1.0 package (CFDocumentURI on associations), nulls, upper-case UUIDs, extensions."""
    package = tiny(("precedes", 1, 2))
    package["CFAssociations"][0]["CFDocumentURI"] = {"title": "Tiny", "identifier": uid(0), "uri": "u"}
    package["CFAssociations"][0]["extensions"] = {"weight": [1, {"deep": None}]}
    package["CFItems"][1].update({"humanCodingScheme": None, "abbreviatedStatement": "   ", "notes": "x",
                                  "educationLevel": ["01"], "extensions": {}})
    package["CFItems"][2]["identifier"] = uid(3).upper()
    package["CFDocument"]["caseVersion"] = None
    package.update({"CFDefinitions": {"CFItemTypes": []}, "CFRubrics": [], "extensions": {"publisher": "x"}})
    framework = read_case(package)
    assert framework.items[uid(2)].human_coding is None
    assert framework.items[uid(2)].abbreviated_statement is None
    assert uid(3).upper() in framework.graph.skill_ids
    assert framework.document.case_version is None


# ---------------------------------------------------------------- broken input
BROKEN: list[tuple[str, type[GraphError], str]] = [
    ("truncated.json", GraphError, r"'.*truncated.json' is not valid JSON: Expecting .* \(line \d+, column \d+\)"),
    ("not_utf8.json", GraphError, r"'.*not_utf8.json' is not UTF-8 text: byte 0xe9 on line 6"),
    ("array_top_level.json", GraphError, r"a CASE package must be a JSON object \(a CFPackage\); got an array of "
                                         r"1 value$"),
    ("unknown_top_level_field.json", GraphError, r"unknown top-level field 'CFitems'; a CASE 1.1 CFPackage has "
                                                 r"CFDocument, CFItems, CFAssociations"),
    ("items_not_an_array.json", GraphError, r"CFItems must be an array; got an object with keys \['4dbb7690"),
    ("no_document.json", GraphError, r"the package has no CFDocument"),
    ("document_without_title.json", GraphError, r"CFDocument 3b0c10c7-d83c-598f-8e08-4a1e0c4efbae has no title "
                                                r"\(it is missing; CASE requires it\)"),
    ("item_without_identifier.json", GraphError, r"CFItems\[3\] has no identifier$"),
    ("item_identifier_not_uuid.json", GraphError, r"CFItems\[3\]: identifier must be a UUID .*; got 'N.A.3'"),
    ("item_without_statement.json", GraphError, rf"item {N_A_2} \(CFItems\[2\]\) has no fullStatement"),
    ("duplicate_item_identifier.json", GraphError, rf"CFItems\[4\] repeats the identifier {N_A_2} of CFItems\[2\]; "
                                                   r"CASE identifiers must be unique"),
    ("wrong_field_type.json", GraphError, rf"item {N_A_1} \(CFItems\[1\]\): humanCodingScheme must be a string; "
                                          r"got 1.1"),
    ("duplicate_association_identifier.json", GraphError, rf"CFAssociations\[6\] repeats the identifier "
                                                          rf"{PRECEDES_1_2} of CFAssociations\[5\]"),
    ("association_without_type.json", GraphError, rf"association {PRECEDES_2_3} \(CFAssociations\[6\]\) has no "
                                                  r"associationType"),
    ("association_unknown_type.json", GraphError, rf"association {PRECEDES_2_3} \(CFAssociations\[6\]\): "
                                                  r"associationType 'isPrerequisiteOf' is not a CASE 1.1 association "
                                                  r"type; known types: isChildOf"),
    ("association_without_destination.json", GraphError, rf"association {PRECEDES_2_4} \(CFAssociations\[7\]\) has "
                                                         r"no destinationNodeURI"),
    ("association_node_without_identifier.json", GraphError, rf"association {PRECEDES_1_2} \(CFAssociations\[5\]\): "
                                                             r"originNodeURI needs an identifier .*; got None"),
    ("bad_sequence_number.json", GraphError, rf"association {CHILD_3} \(CFAssociations\[3\]\): sequenceNumber must "
                                             r"be an integer \(int32 in CASE\); got '3'"),
    ("precedes_self.json", GraphError, rf"association {PRECEDES_2_3} \(CFAssociations\[6\]\): a precedes "
                                       rf"association from {N_A_2} \(N.A.2\) to itself"),
    ("child_of_self.json", GraphError, rf"association {CHILD_2} \(CFAssociations\[2\]\): {N_A_2} \(N.A.2\) "
                                       r"isChildOf itself"),
    ("child_of_loop.json", GraphError, rf"the isChildOf associations form a loop, so the items have no tree: "
                                       rf"{N_A_3} \(N.A.3\) isChildOf {N_A} \(N.A\) in association {CHILD_3}; {N_A} "
                                       rf"\(N.A\) isChildOf {N_A_3} \(N.A.3\) in association "
                                       r"87e637b3-ddff-5b09-a71b-4afde3c9e1bb"),
    ("prerequisite_cycle.json", CyclicPrerequisiteError,
     rf"the prerequisite associations form a cycle, so no learning order exists: {N_A_1} \(N.A.1\) precedes {N_A_2} "
     rf"\(N.A.2\) in association {PRECEDES_1_2}; {N_A_2} \(N.A.2\) precedes {N_A_4} \(N.A.4\) in association "
     rf"{PRECEDES_2_4}; {N_A_4} \(N.A.4\) precedes {N_A_1} \(N.A.1\) in association "
     r"72cff40f-395b-5881-9bd9-e677a0118609$"),
]


@pytest.mark.parametrize(("name", "error", "message"), BROKEN, ids=[name for name, _, _ in BROKEN])
def test_each_rule_has_a_broken_fixture_and_a_named_error(name: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message) as info:
        read_case(FIXTURES / name)
    assert type(info.value) is error
    assert str(info.value).startswith(repr(str(FIXTURES / name)))  # the message names the file
    assert isinstance(info.value, ValueError)


def test_every_fixture_is_used() -> None:
    used = {name for name, _, _ in BROKEN} | {PRIMARY.name, SLICE.name}
    assert used == {path.name for path in FIXTURES.glob("*.json")}


def test_the_slice_without_its_defects_reads() -> None:
    framework = read_case(SLICE)
    assert set(framework.graph.edges()) == {(N_A_1, N_A_2), (N_A_2, N_A_3), (N_A_2, N_A_4)}


def test_a_cycle_error_carries_the_items_on_it() -> None:
    with pytest.raises(CyclicPrerequisiteError) as info:
        read_case(FIXTURES / "prerequisite_cycle.json")
    assert info.value.cycle == (N_A_1, N_A_2, N_A_4)
    assert info.value.value == info.value.cycle


def mutated(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(load(SLICE))
    change(data)
    return data


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["CFAssociations"][5].update(identifier=N_A_3),
     rf"CFAssociations\[5\] has the identifier of item {N_A_3} \(N.A.3\); CASE identifiers must be unique"),
    (lambda d: d["CFAssociations"][5].update(identifier=d["CFDocument"]["identifier"]),
     r"CFAssociations\[5\] has the identifier of the CFDocument"),
    (lambda d: d["CFItems"][1].update(identifier=d["CFDocument"]["identifier"]),
     r"CFItems\[1\] has the identifier 3b0c10c7-d83c-598f-8e08-4a1e0c4efbae of the CFDocument"),
    (lambda d: d["CFItems"][1].update(fullStatement="  \n "),
     rf"item {N_A_1} \(CFItems\[1\]\) has no fullStatement \(it is empty; CASE requires it\)"),
    (lambda d: d["CFItems"][1].update(fullStatement=["Recall", "bonds"]),
     rf"item {N_A_1} \(CFItems\[1\]\): fullStatement must be a string; got an array of 2 values"),
    (lambda d: d["CFItems"][1].update(identifier=17),
     r"CFItems\[1\]: identifier must be a UUID .*; got 17"),
    (lambda d: d["CFItems"][1].update(CFItemTypeURI="Objective"),
     rf"item {N_A_1} \(CFItems\[1\]\): CFItemTypeURI must be an object; got 'Objective'"),
    (lambda d: d["CFItems"].__setitem__(2, "N.A.2"), r"CFItems\[2\] must be an object; got 'N.A.2'"),
    (lambda d: d["CFAssociations"].__setitem__(0, None), r"CFAssociations\[0\] must be an object; got None"),
    (lambda d: d["CFAssociations"][0].pop("identifier"), r"CFAssociations\[0\] has no identifier"),
    (lambda d: d["CFAssociations"][6].update(associationType="Precedes"),
     r"associationType 'Precedes' is not a CASE 1.1 association type \(did you mean 'precedes'\?\)"),
    (lambda d: d["CFAssociations"][6].update(associationType=4), r"associationType 4 is not a CASE 1.1"),
    (lambda d: d["CFAssociations"][6].update(associationType="ext:"), r"associationType 'ext:' is not a CASE 1.1"),
    (lambda d: d["CFAssociations"][6].update(associationType="myext:precedes"),
     r"associationType 'myext:precedes' is not a CASE 1.1"),
    (lambda d: d["CFAssociations"][6].update(originNodeURI=N_A_2),
     rf"association {PRECEDES_2_3} \(CFAssociations\[6\]\): originNodeURI must be an object with an 'identifier'; "
     r"got '9461c5c0"),
    (lambda d: d["CFAssociations"][6]["destinationNodeURI"].update(identifier="  "),
     r"destinationNodeURI needs an identifier \(a non-empty string\); got '  '"),
    (lambda d: d["CFAssociations"][3].update(sequenceNumber=True), r"sequenceNumber must be an integer .*; got True"),
    (lambda d: d["CFAssociations"][3].update(sequenceNumber=2.0), r"sequenceNumber must be an integer .*; got 2.0"),
    (lambda d: d["CFAssociations"][3].update(sequenceNumber=2**31), r"got 2147483648"),
    (lambda d: d["CFAssociations"][0]["destinationNodeURI"].update(identifier=N_A_4),
     r"the isChildOf associations form a loop"),
    (lambda d: d["CFAssociations"][5]["originNodeURI"].update(identifier=d["CFDocument"]["identifier"]) or
     d["CFAssociations"][5].update(associationType="isChildOf"),
     r"the CFDocument cannot be the child \(the origin\) of an isChildOf association"),
    (lambda d: d.update(CFDefinitions=[]), r"CFDefinitions must be an object; got an array of 0 values"),
    (lambda d: d.update(CFAssociations=None), r"CFAssociations must be an array; got None"),
    (lambda d: d.update(CFDocument="Addition"), r"CFDocument must be an object; got 'Addition'"),
    (lambda d: d["CFDocument"].update(identifier="3B0C10C7D83C598F8E084A1E0C4EFBAE"),
     r"CFDocument: identifier must be a UUID"),
])
def test_more_rules(change: Any, message: str) -> None:
    with pytest.raises(GraphError, match=message):
        read_case(mutated(change))


@pytest.mark.parametrize("text", [
    "", "   ", "[]", '"CFDocument"', "{", '{"CFDocument": NaN}', "[" * 100_000 + "]" * 100_000,
    '{"CFItems": ' + "[" * 50_000 + "]" * 50_000 + "}", '{"CFDocument": {"identifier": 1' + "0" * 5000 + "}}",
])
def test_text_that_is_not_a_package(text: str) -> None:
    with pytest.raises(GraphError):
        read_case(text.encode("utf-8"))


def test_a_deeply_nested_dict_is_refused_without_recursion() -> None:
    deep: Any = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(GraphError, match=r"CFItems\[0\] must be an object; got an array of 1 value"):
        read_case({"CFDocument": {"identifier": uid(0), "title": "Deep"}, "CFItems": deep})
    big = tiny()
    big["CFItems"][0]["humanCodingScheme"] = 10**5000
    with pytest.raises(GraphError, match="humanCodingScheme must be a string; got an integer of 16610 bits"):
        read_case(big)


def test_all_errors_are_personalise_errors() -> None:
    assert issubclass(GraphError, PersonaliseError) and issubclass(CyclicPrerequisiteError, GraphError)


# ------------------------------------------------------------------ round trip
def test_json_round_trip_is_exact(primary: CaseFramework) -> None:
    text = primary.to_json()
    again = CaseFramework.from_json(text)
    assert again == primary
    assert again.to_json() == text
    assert list(again.items) == list(primary.items)
    assert list(again.children) == list(primary.children)
    assert again.graph.skill_ids == primary.graph.skill_ids
    assert CaseFramework.from_dict(primary.to_dict()) == primary
    assert CaseFramework.from_json(primary.to_json(indent=2).encode("utf-8")) == primary
    data = json.loads(text)
    assert data["schema"] == "personalise.case_framework/1"
    assert data["graph"] == primary.graph.to_dict()
    assert data["items"][0] == {"identifier": ID["N"], "statement": "Number", "human_coding": "N",
                                "item_type": "Strand", "abbreviated_statement": None, "sequence": 1,
                                "uri": f"https://case.northfield.example/uri/{ID['N']}"}


def test_frameworks_differ_when_their_parts_do(primary: CaseFramework) -> None:
    other = read_case(PRIMARY, prerequisite_types=("precedes", "isRelatedTo"))
    assert other != primary
    assert attrs.evolve(primary, skipped=()) != primary
    assert attrs.evolve(primary) == primary


def dict_with(change: Any) -> dict[str, Any]:
    data = read_case(SLICE).to_dict()
    change(data)
    return data


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.update(schema="personalise.case_framework/2"), "expected schema 'personalise.case_framework/1'"),
    (lambda d: d.pop("children"), "CASE framework document is missing the field 'children'"),
    (lambda d: d.update(items={}), "field 'items' must be a list; got an object"),
    (lambda d: d["items"][0].update(colour="red"), r"items\[0\] has an unknown field 'colour'"),
    (lambda d: d["items"][1].pop("statement"), r"items\[1\] is missing the field 'statement'"),
    (lambda d: d["items"][1].update(sequence="2"), r"items\[1\]: sequence must be an integer or None; got '2'"),
    (lambda d: d["items"][1].update(human_coding=3), r"items\[1\]: human_coding must be a string or None; got 3"),
    (lambda d: d["items"][1].update(identifier=d["items"][0]["identifier"]), r"items\[1\] repeats the identifier"),
    (lambda d: d["items"].pop(), "graph skill id .* is not one of the items"),
    (lambda d: d["document"].update(title=""), "document: title must be a non-empty string; got ''"),
    (lambda d: d.update(document=None), "document must be an object; got None"),
    (lambda d: d["children"].update({N_A: "abc"}), "field 'children' must map item ids to lists of item ids"),
    (lambda d: d["children"].update({uid(5): [N_A_1]}), "children id .* is not one of the items"),
    (lambda d: d.update(top_level=[[N_A]]), "top_level id an array of 1 value is not one of the items"),
    (lambda d: d.update(skipped=[["a", "b", "c"]]), r"skipped must hold \(identifier, reason\) string pairs"),
    (lambda d: d.update(skipped=["a"]), r"field 'skipped' must hold \[identifier, reason\] pairs; got 'a'"),
    (lambda d: d.update(prerequisite_types=["isChildOf"]), "cannot include 'isChildOf'"),
    (lambda d: d.update(graph="a graph"), "field 'graph' must be a compiled graph object"),
    (lambda d: d["graph"].update(schema="x"), "expected schema 'personalise.compiled_graph/1'"),
])
def test_from_dict_refuses_broken_documents(change: Any, message: str) -> None:
    with pytest.raises(InvalidParameterError, match=message):
        CaseFramework.from_dict(dict_with(change))


def test_from_dict_graph_errors_are_graph_errors() -> None:
    data = dict_with(lambda d: d["graph"]["edges"].append([N_A_4, N_A_1]))
    with pytest.raises(CyclicPrerequisiteError):
        CaseFramework.from_dict(data)


def test_from_json_refuses_what_is_not_its_json() -> None:
    with pytest.raises(InvalidParameterError, match="the CASE framework document is not valid JSON"):
        CaseFramework.from_json("{")
    with pytest.raises(InvalidParameterError, match="nested too deeply"):
        CaseFramework.from_json("[" * 100_000 + "]" * 100_000)
    with pytest.raises(InvalidParameterError, match="from_json takes JSON text; got dict"):
        CaseFramework.from_json({"schema": "personalise.case_framework/1"})  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="must be a JSON object; got an array of 0 values"):
        CaseFramework.from_json("[]")
    with pytest.raises(InvalidParameterError, match="expected schema"):
        CaseFramework.from_json(read_case(SLICE).graph.to_json())


def test_the_constructor_checks_its_parts(primary: CaseFramework) -> None:
    with pytest.raises(InvalidParameterError, match="document must be a CaseDocument; got an object"):
        CaseFramework({"title": "x"}, {}, {}, primary.graph)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="graph must be a CompiledGraph; got an array"):
        CaseFramework(primary.document, {}, {}, [])  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="items must be a mapping of item id to CaseItem"):
        CaseFramework(primary.document, [], {}, EMPTY)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="must be a CaseItem with that identifier"):
        CaseFramework(primary.document, {"x": primary.items[ID["N"]]}, {}, EMPTY)
    with pytest.raises(InvalidParameterError, match="children must map item ids to sequences of item ids"):
        CaseFramework(primary.document, {}, {"a": "bc"}, EMPTY)
    with pytest.raises(InvalidParameterError, match="skipped must be a sequence"):
        CaseFramework(primary.document, {}, {}, EMPTY, skipped=3)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="top_level must be a sequence .a list or tuple., not one string"):
        CaseFramework(primary.document, {}, {}, EMPTY, top_level="a")
    with pytest.raises(InvalidParameterError, match="statement must be a non-empty string; got None"):
        CaseItem(uid(1), None)  # type: ignore[arg-type]
