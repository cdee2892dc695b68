# language: pt
Funcionalidade: Relatório diário de vendas
  Para acompanhar as vendas sem abrir o sistema
  Como merchandiser
  Quero receber todo dia o relatório de vendas do dia anterior por e-mail

  Cenário: O relatório diário de vendas sai pelo agendamento e chega às merchandisers
    Dado que a merchandiser entra no admin de tarefas
    E o relatório diário de vendas está agendado para todo dia, no fuso de São Paulo
    Quando a merchandiser muda o horário do relatório diário de vendas para daqui a um minuto
    Então o Beat dispara o relatório no novo horário e a equipe vê o relatório de vendas de ontem na API
    E as merchandisers recebem por e-mail o relatório de vendas de ontem
