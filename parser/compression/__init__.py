"""Model compression lab: make the parser smaller and faster, and measure what it costs.

* :mod:`.pruning`      magnitude pruning and retraining with the mask fixed (Han, Pool, Tran & Dally 2015,
                       "Learning both weights and connections for efficient neural networks");
* :mod:`.sensitivity`  prune one layer at a time to see which layers matter;
* :mod:`.sparsity_l1`  L1-regularised retraining that drives weights to exactly zero;
* :mod:`.kmeans`       weight sharing by k-means with fine-tuned centroids and
* :mod:`.huffman`      Huffman coding of the indices and sparse gaps (Han, Mao & Dally 2016, "Deep Compression");
* :mod:`.int8`         int8 weights and dynamic quantization;
* :mod:`.distill`      knowledge distillation into a smaller student (Hinton, Vinyals & Dean 2015);
* :mod:`.storage`      the compressed model format that ``Model.load`` reads;
* :mod:`.measure`      parameters, non-zeros, bytes on disk, dev UAS/LAS, sentences/s;
* :mod:`.experiments`  the experiments behind ``deplab compress`` (:mod:`.cli`) and the app's Compression tab.
"""
