// Bracketed trees over the words "the cat sat", in order. Every bracket has a label and two or more
// children, except that one word may carry one label. Written by hand, tree shape by tree shape.
grammar constituency;

parse : '(' LABEL SP kids EOF ;
kids : c1 SP c2 SP c3 ')' | c12 SP c3 ')' | c1 SP c23 ')' ;
c12 : '(' LABEL SP c1 SP c2 ')' ;
c23 : '(' LABEL SP c2 SP c3 ')' ;
c1 : 'the' | '(' LABEL SP 'the' ')' ;
c2 : 'cat' | '(' LABEL SP 'cat' ')' ;
c3 : 'sat' | '(' LABEL SP 'sat' ')' ;

LABEL : 'S' | 'NP' | 'VP' | 'DT' | 'NN' | 'VBD' ;
SP : ' ' ;
