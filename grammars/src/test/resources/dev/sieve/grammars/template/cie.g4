// Closed information extraction for "Barack Obama was born in Honolulu": at most two triples, entities
// Barack Obama, Obama, Honolulu; relations born in, capital of, member of; a triple's object is never
// its subject. Written by hand, word by word: one alternative per subject, the others as its objects.
grammar cie;

triples : triple (SP triple)? EOF ;
triple : '[s]' SP pair SP '[e]' ;
pair
  : 'Barack' SP 'Obama' SP link SP ('Obama' | 'Honolulu')
  | 'Obama' SP link SP ('Barack' SP 'Obama' | 'Honolulu')
  | 'Honolulu' SP link SP ('Barack' SP 'Obama' | 'Obama')
  ;
link : '[r]' SP relation SP '[o]' ;
relation : 'born' SP 'in' | 'capital' SP 'of' | 'member' SP 'of' ;

SP : ' ' ;
