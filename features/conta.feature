# language: pt
Funcionalidade: Conta da cliente
  Para não perder o acesso à loja
  Como cliente que esqueceu a senha
  Quero redefinir a senha por um link enviado ao meu e-mail

  Cenário: Redefinir a senha, do pedido até entrar com a senha nova
    Dado que a cliente "Gabi" tem uma conta na loja
    Quando "Gabi" pede para redefinir a senha
    Então "Gabi" recebe um e-mail com um link de redefinição de uso único
    Quando "Gabi" escolhe a senha nova "Rosa-Nude-Batom-2027!" pelo link
    Então "Gabi" entra na conta com a senha nova "Rosa-Nude-Batom-2027!"
    Mas "Gabi" não entra mais com a senha antiga
    E o mesmo link não serve uma segunda vez
