"""Model compression lab: make the parser smaller and faster, and measure what it costs.

* :mod:`.pruning`      magnitude pruning and retraining with the mask fixed (Han, Pool, Tran & Dally 2015,
                       "Learning both weights and connections for efficient neural networks");
* :mod:`.sensitivity`  prune one layer at a time to see which layers matter;
* :mod:`.sparsity_l1`  L1-regularised retraining that drives weights to exactly zero;
* :mod:`.codebook`     shared weights: cluster indices and their values (k-means and uniform alike);
* :mod:`.kmeans`       weight sharing by k-means with fine-tuned centroids,
* :mod:`.uniform`      or by a uniform quantizer at a Huffman rate (Choi, El-Khamy & Lee 2017);
  :mod:`.sharing` applies either to the layers of a model, and
* :mod:`.huffman`      Huffman coding of the indices and sparse gaps (Han, Mao & Dally 2016, "Deep Compression");
* :mod:`.int8`         int8 weights and dynamic quantization;
* :mod:`.distill`      knowledge distillation into a smaller student (Hinton, Vinyals & Dean 2015);
* :mod:`.storage`      the compressed model format that ``Model.load`` reads;
* :mod:`.measure`      parameters, non-zeros, bytes on disk, dev UAS/LAS, sentences/s;
* :mod:`.experiments`  the experiments (:class:`~.experiments.Lab`);
* :mod:`.spec`         one experiment and its settings, what data it needs, which Lab method runs it: what
                       ``deplab compress`` (:mod:`.cli`) and the app's Compression tab both build and run.
"""
