// Arithmetic expressions over numbers and variables, with the usual precedence written as left
// recursion (ANTLR resolves it by precedence; the language is the same).
grammar arithmetic;

expression
   : expr EOF
   ;

expr
   : <assoc = right> expr '^' expr
   | expr ('*' | '/' | '%') expr
   | expr ('+' | '-') expr
   | ('+' | '-') expr
   | '(' expr ')'
   | func '(' (expr (',' expr)*)? ')'
   | NUMBER
   | VARIABLE
   ;

func
   : 'sqrt'
   | 'abs'
   | 'min'
   | 'max'
   | 'ln'
   ;

NUMBER
   : [0-9]+ ('.' [0-9]+)? ([eE] [+-]? [0-9]+)?
   ;

VARIABLE
   : [a-zA-Z_] [a-zA-Z_0-9]*
   ;

WS
   : [ \t]+ -> skip
   ;
