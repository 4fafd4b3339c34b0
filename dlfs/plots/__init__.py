"""The chapter's figures, one module per notebook, named like the notebook.

=====================================  =================================================
notebook                               module
=====================================  =================================================
01_loss_functions                      :mod:`dlfs.plots.loss_functions`
02_numerical_differentiation           :mod:`dlfs.plots.numerical_differentiation`
03_gradients                           :mod:`dlfs.plots.gradients`
04_gradient_descent                    :mod:`dlfs.plots.gradient_descent`
05_simple_net                          :mod:`dlfs.plots.simple_net`
06_two_layer_net_mnist                 :mod:`dlfs.plots.two_layer_net`
07_fast_numerical_gradient             :mod:`dlfs.plots.fast_numerical_gradient`
=====================================  =================================================

Every function builds and returns a matplotlib ``Figure`` (see :mod:`dlfs.plots.style`);
the ``*_view`` and ``draw_*`` functions return the figure and a sentence for the slider
explorers of :mod:`dlfs.widgets`. The example functions they draw live in
:mod:`dlfs.examples`.
"""
