(class_body
  (method_definition
    name: (_) @name
    parameters: (formal_parameters) @parameters) @member.method)

(class_body
  (field_definition
    property: (_) @name) @member.field)
