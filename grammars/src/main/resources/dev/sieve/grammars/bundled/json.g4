// JSON (RFC 8259) as a Sieve bundled grammar: a single JSON value, any whitespace between tokens.
grammar json;

json
   : value EOF
   ;

value
   : object
   | array
   | STRING
   | NUMBER
   | 'true'
   | 'false'
   | 'null'
   ;

object
   : '{' (member (',' member)*)? '}'
   ;

member
   : STRING ':' value
   ;

array
   : '[' (value (',' value)*)? ']'
   ;

STRING
   : '"' (ESCAPE | ~["\\\u0000-\u001F])* '"'
   ;

fragment ESCAPE
   : '\\' (["\\/bfnrt] | 'u' HEX HEX HEX HEX)
   ;

fragment HEX
   : [0-9a-fA-F]
   ;

NUMBER
   : '-'? ('0' | [1-9] [0-9]*) ('.' [0-9]+)? ([eE] [+-]? [0-9]+)?
   ;

WS
   : [ \t\r\n]+ -> skip
   ;
