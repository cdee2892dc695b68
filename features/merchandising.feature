# language: pt
Funcionalidade: Cadastro de produtos pela equipe de merchandising
  Para vender lançamentos no mesmo dia
  Como merchandiser
  Quero cadastrar e publicar produtos no admin e importar planilhas

  Contexto:
    Dado que a merchandiser entra no admin do catálogo

  Cenário: Merchandiser cria e publica um produto no admin e a cliente o encontra pela API
    Quando ela cria no admin um produto novo com o tom "Rubi" a "59.90" e 10 unidades
    Então a cliente ainda não encontra o produto novo na loja
    Quando ela publica o produto no admin
    Então uma cliente encontra o produto novo na busca da loja
    E a página do produto mostra o tom "Rubi" a "59.90" com 10 unidades disponíveis

  Cenário: Importar um CSV com uma linha ruim mostra o erro dessa linha e não grava nada
    Quando ela importa no admin um CSV de três produtos com o preço "dezenove" na linha 3
    Então o admin mostra o erro de preço da linha 3 e diz que nada foi gravado
    E nenhum dos três produtos da planilha aparece na loja
    Quando ela corrige o preço da linha 3 para "19.90" e importa de novo
    Então os três produtos da planilha aparecem na loja
