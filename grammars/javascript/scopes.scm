; Scopes: let/const and class bodies are block scoped.
(program) @scope
(statement_block) @scope
(class_body) @scope
(switch_body) @scope
[
  (for_statement)
  (for_in_statement)
] @scope
