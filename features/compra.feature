# language: pt
Funcionalidade: Compra na loja
  Para receber meus cosméticos em casa
  Como cliente da loja
  Quero encontrar os produtos, montar o carrinho e pagar com segurança

  Cenário: Cliente acha dois tons com um erro de digitação, junta os carrinhos e paga com o cartão aprovado
    Dado que a cliente "Bia" se cadastra na loja
    E "Bia" entra na conta
    Quando "Bia" busca um produto de dois tons digitando o nome com um erro
    Então a busca mostra esse produto mesmo assim
    Quando "Bia" filtra os produtos pela marca desse produto
    Então só aparecem produtos dessa marca, entre eles o procurado
    Quando "Bia" sai da conta e põe os dois tons no carrinho de visitante
    E "Bia" entra na conta de novo
    Então o carrinho da conta de "Bia" tem os dois tons
    Quando "Bia" finaliza a compra
    Então o pedido de "Bia" fica aguardando pagamento
    Quando "Bia" paga na página do provedor com o cartão aprovado
    Então o pedido de "Bia" fica pago
    E "Bia" recebe o e-mail de confirmação do pedido
    E o pedido aparece como pago na lista de pedidos de "Bia"

  Cenário: Cartão recusado não paga o pedido
    Dado que a visitante "Carla" tem no carrinho um produto em estoque
    Quando "Carla" finaliza a compra
    Então o pedido de "Carla" fica aguardando pagamento
    Quando "Carla" paga na página do provedor com o cartão recusado
    Então a página do provedor diz que o pagamento foi recusado
    E o pedido de "Carla" continua aguardando pagamento, com o pagamento em aberto
    Quando "Carla" tenta de novo com o cartão aprovado
    Então o pedido de "Carla" fica pago

  Cenário: Finalizar a compra quando o estoque acabou termina rejeitado
    Dado um produto com poucas unidades em estoque
    E a visitante "Duda" tem todas as unidades desse produto no carrinho
    E a visitante "Eva" também tem todas as unidades desse produto no carrinho
    Quando "Duda" finaliza a compra
    Então o pedido de "Duda" fica aguardando pagamento
    Quando "Eva" finaliza a compra
    Então o pedido de "Eva" termina rejeitado
    E o estoque reservado continua sendo só o de "Duda"

  Cenário: Cancelar um pedido pago devolve o dinheiro e o estoque
    Dado que a cliente "Fabi" comprou e pagou 2 unidades de um produto
    Quando "Fabi" cancela o pedido
    Então o pedido de "Fabi" termina reembolsado
    E o estoque desse produto volta ao que era antes da compra
