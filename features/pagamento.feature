# language: pt
Funcionalidade: Pagar do jeito brasileiro
  Para pagar como estou acostumada
  Como cliente da loja
  Quero pagar com Pix, boleto ou cartão parcelado e receber a confirmação

  Esquema do Cenário: A cliente paga o pedido com <forma> e ele fica pago com o estoque baixado
    Dado que a visitante "<nome>" tem no carrinho 2 unidades de um produto em estoque
    Quando "<nome>" finaliza a compra pagando com <forma>
    Então o pedido de "<nome>" fica aguardando pagamento
    E a página do provedor mostra a "<forma>" em português com o valor em reais
    Quando "<nome>" paga com <forma> na página do provedor
    Então o pedido de "<nome>" fica pago
    E o estoque do produto de "<nome>" é baixado
    E o e-mail de confirmação de "<nome>" diz "<no e-mail>"

    Exemplos:
      | nome  | forma        | no e-mail                                   |
      | Gabi  | Pix          | Forma de pagamento: Pix                     |
      | Lara  | boleto       | Forma de pagamento: boleto bancário         |
      | Iara  | cartão em 3x | Forma de pagamento: cartão de crédito em 3x |

  Cenário: Pix sem CPF não vira pedido
    Dado que a visitante "Jade" tem no carrinho 2 unidades de um produto em estoque
    Quando "Jade" tenta finalizar a compra com Pix sem informar o CPF
    Então a loja recusa com o código "document_required"
    Quando "Jade" tenta finalizar a compra com Pix e um CPF com dígito errado
    Então a loja recusa com o código "invalid_document"
