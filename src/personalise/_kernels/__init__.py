"""Private pure-NumPy kernels, one module per family; no validation, no copies of inputs.

* :mod:`personalise._kernels.bitsets`: learner-by-skill flags packed into
  64-bit words, prerequisite AND/OR reductions over them, top-k set bits
  (the fringes and next steps).
* :mod:`personalise._kernels.bkt`: Bayesian Knowledge Tracing forward,
  smoothing and online-update passes over packed sequences.

Plain-Python references for each live in ``tests/``.
"""
