"""Problems of a YAML or JSON file located at their `file:line path`, in English and in French.

Shared by the loaders that refuse a file with every problem at once (hospital maps, exercise
scripts): the validators give each problem the path of the offending value; this module composes the
text a second time (only when there are problems) to find the line of each path. JSON is read as
YAML for that, which it nearly always is.
"""

from __future__ import annotations

import yaml

from bascule.hospital.validation import Path, Problem, render_path

YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def locate(problems: list[Problem], text: str, source: str) -> tuple[list[str], list[str]]:
    """Each problem with its file:line and path, in English and in French, in file order."""
    root = compose(text)
    located: list[tuple[int, str, str]] = []
    for problem in problems:
        line = line_of(root, problem.path)
        where = f"{source}:{line}" if line else source
        message, french = problem.message, problem.fr
        if problem.also is not None:
            also_line, also_path = line_of(root, problem.also), render_path(problem.also)
            message += f" (first defined at line {also_line}, {also_path})"
            french += f" (défini d'abord à la ligne {also_line}, {also_path})"
        path = render_path(problem.path)
        located.append((line or 0, f"{where} {path}: {message}", f"{where} {path} : {french}"))
    # In file order, so that the user fixes them top to bottom (a stable sort keeps the rest's order).
    ordered = sorted(located, key=lambda entry: entry[0])
    return [english for _, english, _ in ordered], [french for _, _, french in ordered]


def compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=YAML_LOADER)
    except yaml.YAMLError:
        return None


def line_of(root: yaml.Node | None, path: Path) -> int | None:
    """The 1-based line of the deepest node along `path` that exists (a key's own line at the end)."""
    node = root
    line: int | None = node.start_mark.line + 1 if node is not None else None
    for position, part in enumerate(path):
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == part:
                    last = position == len(path) - 1
                    line = int(key.start_mark.line) + 1
                    child = None if last else value
                    if last:
                        return line
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
            line = int(child.start_mark.line) + 1
        if child is None:
            break
        node = child
    return line
