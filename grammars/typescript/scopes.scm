(program) @scope
(statement_block) @scope
(class_body) @scope
(switch_body) @scope
(interface_body) @scope
(object_type) @scope
[
  (for_statement)
  (for_in_statement)
] @scope
