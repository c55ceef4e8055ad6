; Scopes: where a declaration's name is bound.
(module) @scope
(function_definition) @scope
(class_definition) @scope
(lambda) @scope
[
  (list_comprehension)
  (set_comprehension)
  (dictionary_comprehension)
  (generator_expression)
] @scope
