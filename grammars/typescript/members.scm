; Methods with a body (overload signatures in a class are `method_signature`).
(class_body
  (method_definition
    name: (_) @name
    parameters: (formal_parameters) @parameters) @member.method)

(class_body
  (public_field_definition
    name: (_) @name) @member.field)

; Property signatures; method signatures are overloads and may repeat.
(interface_body
  (property_signature name: (_) @name) @member.property)
(object_type
  (property_signature name: (_) @name) @member.property)
