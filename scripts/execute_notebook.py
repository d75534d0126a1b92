"""Executes one notebook through its kernel with nbclient; on the first failing cell, prints that
cell and what it wrote to stderr (tslab reports errors there, with an empty evalue) and exits 1.
The executed notebook, outputs included, is written to OUT either way.

    python3 scripts/execute_notebook.py NOTEBOOK OUT
"""
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError


def main(path: str, out: str) -> int:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=900, resources={"metadata": {"path": "."}})
    try:
        client.execute()
        return 0
    except (CellExecutionError, CellTimeoutError) as error:
        ran = [c for c in nb.cells if c.cell_type == "code" and c.get("execution_count") is not None]
        cell = ran[-1] if ran else None
        if cell is not None:
            print(f"failing cell (execution {cell.execution_count}):", file=sys.stderr)
            print("    " + cell.source.replace("\n", "\n    "), file=sys.stderr)
            for o in cell.get("outputs", []):
                if o.get("output_type") == "stream" and o.get("name") == "stderr":
                    print(o.get("text", ""), file=sys.stderr)
                elif o.get("output_type") == "error":
                    print(f"{o.get('ename')}: {o.get('evalue')}", file=sys.stderr)
        print(str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__, file=sys.stderr)
        return 1
    finally:
        nbformat.write(nb, out)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
