; Function implementations (overload signatures are `function_signature`: not captured).
[
  (function_declaration
    name: (identifier) @name
    parameters: (formal_parameters) @parameters)
  (generator_function_declaration
    name: (identifier) @name
    parameters: (formal_parameters) @parameters)
] @declaration.function

[
  (class_declaration name: (type_identifier) @name)
  (abstract_class_declaration name: (type_identifier) @name)
] @declaration.class

(lexical_declaration
  (variable_declarator
    name: (identifier) @name) @declaration.variable)

(type_alias_declaration
  name: (type_identifier) @name) @declaration.type

; Interfaces, enums and namespaces merge when declared twice: not captured.
