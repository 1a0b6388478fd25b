// Entity disambiguation of the mention "Paris" with four candidates. Written by hand.
grammar disambiguation;

answer : candidate EOF ;
candidate : 'Paris' | 'Paris' ',' SP 'Texas' | 'Paris' SP 'Hilton' | 'Paris' SP '(' 'mythology' ')' ;

SP : ' ' ;
