# language: pt
Funcionalidade: Frete pelo CEP
  Para saber quanto pago e quando recebo
  Como cliente da loja
  Quero cotar o frete pelo CEP e escolher a forma de envio na finalização

  Cenário: A cliente cota o frete para Salvador e paga a entrega expressa
    Dado que a visitante "Nina" tem no carrinho 2 unidades de um produto em estoque
    Quando "Nina" cota o frete para o CEP "40060-001"
    Então a cotação de "Nina" oferece a entrega padrão e a expressa, com preço em reais e prazo em dias
    Quando "Nina" finaliza a compra em Salvador com a entrega expressa
    Então o pedido de "Nina" cobra o frete da entrega expressa cotada e soma-o ao total

  Cenário: Um CEP que não existe não tem frete
    Dado que a visitante "Rita" tem no carrinho 2 unidades de um produto em estoque
    Quando "Rita" cota o frete para o CEP "123"
    Então a loja recusa com o código "invalid_postal_code"
