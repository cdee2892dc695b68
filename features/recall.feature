# language: pt
Funcionalidade: Recall de um lote
  Para proteger quem comprou um produto de um lote com problema
  Como merchandiser
  Quero bloquear o lote, ver quem o recebeu e avisar cada cliente por e-mail

  Cenário: Um lote recebido e vendido é recolhido e a cliente que o comprou é avisada
    Dado que a merchandiser entra no admin do catálogo
    Quando ela cria no admin um produto novo com o tom "Coral" a "39.90" e 5 unidades de um lote novo válido por 300 dias
    E ela publica o produto no admin
    E a visitante "Lia" põe 1 unidade do produto novo no carrinho
    E "Lia" finaliza a compra
    Então o pedido de "Lia" fica aguardando pagamento
    Quando "Lia" paga na página do provedor com o cartão aprovado
    Então o pedido de "Lia" fica pago
    E o pedido de "Lia" aparece no lote do produto novo
    Quando a merchandiser bloqueia o lote por "Contaminação microbiológica"
    Então o produto novo fica sem unidades disponíveis na loja
    Quando ela avisa por e-mail os clientes do lote
    Então "Lia" recebe o e-mail de recall do lote
