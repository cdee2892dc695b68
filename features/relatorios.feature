# language: pt
Funcionalidade: Relatório diário de vendas
  Para acompanhar as vendas sem abrir o sistema
  Como merchandiser
  Quero receber todo dia o relatório de vendas por e-mail

  Cenário: O relatório diário de vendas sai pelo agendamento e chega às merchandisers
    Dado que a cliente "Helô" comprou e pagou 1 unidade de um produto
    Quando chega a hora agendada do relatório diário de vendas
    Então a equipe vê um relatório de vendas novo na API de relatórios
    E as merchandisers recebem o relatório de vendas por e-mail
