# language: pt
Funcionalidade: Cadastro de produtos pela equipe de merchandising
  Para vender lançamentos no mesmo dia
  Como merchandiser
  Quero cadastrar e publicar produtos no admin e importar planilhas

  Contexto:
    Dado que a merchandiser entra no admin do catálogo

  Cenário: Merchandiser cria e publica um produto no admin e a cliente o encontra pela API
    Quando ela cria no admin um produto novo com o tom "Rubi" a "59.90" e 10 unidades
    E ela publica o produto no admin
    Então uma cliente encontra o produto novo na busca da loja
    E a página do produto mostra o tom "Rubi" a "59.90" com 10 unidades disponíveis

  Cenário: Importar um CSV com uma linha ruim mostra o erro dessa linha
    Quando ela importa no admin um CSV com duas linhas boas e uma linha com preço inválido
    Então a importação termina mostrando um erro na linha 3
    E os produtos das duas linhas boas existem no catálogo
