"""Agreement of the analysis with independent oracles, on generated "merged-agent" corpora.

- :mod:`~codecrdt.bench.agreement.pycorpus` and :mod:`~codecrdt.bench.agreement.tscorpus`:
  the seeded generators (Python from the standard library, React TSX/TS);
- :mod:`~codecrdt.bench.agreement.oracles`: ruff, pylint and the TypeScript compiler's API,
  their codes mapped onto ours;
- :mod:`~codecrdt.bench.agreement.score`: recall and precision per code, with triage;
- :mod:`~codecrdt.bench.agreement.run`: the corpora on disk and one measurement;
- ``python -m codecrdt.bench.agreement``: regenerate and print the tables.
"""
