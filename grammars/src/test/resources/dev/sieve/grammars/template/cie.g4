// Closed information extraction for "Barack Obama was born in Honolulu": at most two triples, entities
// Barack Obama, Obama, Honolulu; relations born in, capital of, member of. Written by hand, word by word.
grammar cie;

triples : triple (SP triple)? EOF ;
triple : '[s]' SP entity SP '[r]' SP relation SP '[o]' SP entity SP '[e]' ;
entity : 'Barack' SP 'Obama' | 'Obama' | 'Honolulu' ;
relation : 'born' SP 'in' | 'capital' SP 'of' | 'member' SP 'of' ;

SP : ' ' ;
