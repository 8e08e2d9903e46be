"""What PyYAML's C loader makes of YAML documents, in the canonical form claudesh's tests compare
with claudesh's own reading of the same text.

Reads a JSON array of documents on stdin; writes a JSON array, one result a document:
  {"error": {"problem": [LINE, COLUMN], "context": [LINE, COLUMN] or null}}   refused
  {"error": {"problem": null, "context": null}}                             refused, no place
  {"node": NODE}                                                            read
NODE: {"null": [L, C]} | {"scalar": VALUE, "plain": BOOL, "tag": TAG or null, "at": [L, C]}
      | {"seq": [NODE...], "at": [L, C]} | {"map": [[KEY, VALUE]...], "at": [L, C]}
Lines and columns count from 1. A mapping's pairs are those PyYAML's safe constructor keeps:
`<<` merges flattened (its flatten_mapping), then the last of a repeated key, sorted by key.

Tags: implicit resolution is left out but for null and the merge key, so a tag shows only where
the text gave one (an explicit !!str reads as no tag, like a plain string). A key given twice in
one mapping is refused, as compose refuses it (PyYAML itself would take the last).
"""
import json
import re
import sys

import yaml

if not yaml.__with_libyaml__:
    sys.exit("PyYAML was built without libyaml: the C loader is what claudesh is compared with")


class Loader(yaml.CSafeLoader):
    pass


Loader.yaml_implicit_resolvers = {}
Loader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?: ~ |null|Null|NULL | )$", re.X), ["~", "n", "N", ""])
Loader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])

STR = "tag:yaml.org,2002:str"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"
NULL = "tag:yaml.org,2002:null"


class Duplicate(Exception):
    def __init__(self, mark):
        self.mark = mark


class Recursive(Exception):
    """A node that holds itself through an alias: the C loader builds it, compose refuses it."""


def at(node):
    return [node.start_mark.line + 1, node.start_mark.column + 1]


def check_duplicates(node, seen):
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                if key.value in keys:
                    raise Duplicate(key.start_mark)
                keys.add(key.value)
            check_duplicates(key, seen)
            check_duplicates(value, seen)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            check_duplicates(item, seen)


def flatten(loader, node, done):
    if id(node) in done:
        return
    done.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            flatten(loader, key, done)
            flatten(loader, value, done)
        loader.flatten_mapping(node)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            flatten(loader, item, done)


def canonical(node, path=()):
    if id(node) in path:
        raise Recursive()
    path = path + (id(node),)
    if isinstance(node, yaml.ScalarNode):
        if node.tag == NULL:
            return {"null": True, "at": at(node)}
        return {"scalar": node.value, "plain": not node.style, "tag": None if node.tag == STR else node.tag, "at": at(node)}
    if isinstance(node, yaml.SequenceNode):
        result = {"seq": [canonical(item, path) for item in node.value], "at": at(node)}
        if node.tag != SEQ:
            result["tag"] = node.tag
        return result
    pairs = {}
    for key, value in node.value:
        pairs[json.dumps(identity(canonical(key, path)), sort_keys=True)] = [canonical(key, path), canonical(value, path)]
    result = {"map": [pairs[key] for key in sorted(pairs)], "at": at(node)}
    if node.tag != MAP:
        result["tag"] = node.tag
    return result


def identity(value):
    """A canonical node without its places: what makes two keys the same key."""
    if isinstance(value, dict):
        return {key: identity(item) for key, item in value.items() if key != "at"}
    if isinstance(value, list):
        return [identity(item) for item in value]
    return value


def read(text):
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {"node": None}
        check_duplicates(node, set())
        flatten(loader, node, set())
        return {"node": canonical(node)}
    except Recursive:
        return {"error": {"problem": None, "context": None}}
    except Duplicate as duplicate:
        return {"error": {"problem": [duplicate.mark.line + 1, duplicate.mark.column + 1], "context": None}}
    except yaml.MarkedYAMLError as error:
        def place(mark):
            return [mark.line + 1, mark.column + 1] if mark else None
        return {"error": {"problem": place(error.problem_mark), "context": place(error.context_mark)}}
    finally:
        loader.dispose()


print(json.dumps([read(text) for text in json.load(sys.stdin)]))
