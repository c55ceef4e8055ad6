; Functions and classes, with the decorators that may exempt them (overload, setter…).
(function_definition
  name: (identifier) @name
  parameters: (parameters) @parameters) @declaration.function

(decorated_definition
  (decorator) @decorator
  definition: (function_definition
    name: (identifier) @name
    parameters: (parameters) @parameters) @declaration.function)

(class_definition
  name: (identifier) @name) @declaration.class

; Constants: plain assignments directly in a module or class body (UPPER_CASE names are
; kept by the detector; other names are ordinary variables that may be reassigned).
(module
  (expression_statement
    (assignment left: (identifier) @name) @declaration.variable))

(class_definition
  body: (block
    (expression_statement
      (assignment left: (identifier) @name) @declaration.variable)))
