[
  (function_declaration
    name: (identifier) @name
    parameters: (formal_parameters) @parameters)
  (generator_function_declaration
    name: (identifier) @name
    parameters: (formal_parameters) @parameters)
] @declaration.function

(class_declaration
  name: (identifier) @name) @declaration.class

; const and let (var may be redeclared: it is not captured).
(lexical_declaration
  (variable_declarator
    name: (identifier) @name) @declaration.variable)
