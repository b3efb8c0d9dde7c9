"""Tree patterns over a treebank: the core of the Grew request and rule language.

Grew (Guillaume 2021, "Graph Matching and Graph Rewriting: GREW tools for corpus
exploration, maintenance and conversion", EACL demos; https://grew.fr/doc/request/)
describes a search as a graph pattern: nodes with feature constraints, edges
with relation constraints, word-order constraints, ``without`` blocks that
reject a match, and, in a rule, ``commands`` that rewrite each match.

* :mod:`.request` parses requests and rules, with errors naming line and column, over
  :mod:`.tokens` (the lexer) into :mod:`.syntax_tree` (clauses, blocks, commands), a rule's
  commands read by :mod:`.command_parser`;
* :mod:`.match` finds every match in a sentence (subgraph monomorphism by backtracking);
* :mod:`.rewrite` applies a rule's commands, refusing changes that break the tree.

Nothing here imports torch or Qt: ``deplab grep`` starts in a fraction of a second.
"""
