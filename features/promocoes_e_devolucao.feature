# language: pt
Funcionalidade: Cupom, amostra grátis, desconto no Pix e devolução em 7 dias
  Para comprar com as promoções da loja e poder me arrepender
  Como cliente da loja
  Quero usar um cupom, ganhar uma amostra, pagar com desconto no Pix e devolver um item dentro de 7 dias

  Cenário: A cliente compra com cupom, amostra e Pix, devolve um item e é reembolsada por ele
    Dado que a merchandiser entra no admin do catálogo
    E que ela cadastra no admin do catálogo uma amostra grátis com 5 unidades
    Quando ela cria no admin um produto novo com o tom "Nude" a "59.90" e 6 unidades
    E ela publica o produto no admin
    E ela cria no admin de pedidos o cupom "VERAO10" de 10% para esse produto, a amostra grátis para quem o compra e 5% de desconto no Pix
    E a visitante "Duda" põe 2 unidades do produto novo no carrinho
    E "Duda" aplica o cupom "VERAO10" no carrinho
    Então o carrinho de "Duda" mostra o desconto do cupom e a amostra grátis
    Quando "Duda" cota o frete para o CEP "40060-001"
    E "Duda" finaliza a compra em Salvador com a entrega padrão pagando com Pix
    Então o pedido de "Duda" tem o desconto do cupom, o do Pix e a amostra, com o frete padrão cotado
    E o pedido de "Duda" fica aguardando pagamento
    Quando "Duda" paga com Pix na página do provedor
    Então o pedido de "Duda" fica pago
    E a amostra sai do estoque com o produto
    Quando o suporte envia o pedido de "Duda" e marca como entregue no admin de pedidos
    E "Duda" devolve 1 unidade do produto dizendo "A cor não combinou comigo"
    Então a devolução de "Duda" vale o que ela pagou por essa unidade, mais o frete pelo art. 49
    Quando o suporte aprova a devolução, recebe o produto e reembolsa no admin de pedidos
    Então a devolução de "Duda" fica reembolsada pelo valor daquela unidade e do frete
    E "Duda" recebe um e-mail a cada passo da devolução
    E o histórico do pedido de "Duda" mostra o envio, a entrega e cada passo da devolução
