// 考试与执法资格 (issue 14 items 2 and 3): the question bank, papers and exams, "我的考试" with the
// exam page (server clock, answers saved as given, resumes after a reload), marking, results and
// analysis, and the 执法资格 register.
import type { RouteRecordRaw } from 'vue-router'
import { EditPen } from '@element-plus/icons-vue'
import type { MenuGroup } from '@/router/types'

export const menuGroups: MenuGroup[] = [{ key: 'exams-group', title: '学法考试', order: 66, icon: EditPen }]

export const routes: RouteRecordRaw[] = [
  {
    path: '/exams/mine',
    name: 'exams-mine',
    component: () => import('./views/MyExamsView.vue'),
    meta: {
      perm: 'exam.take',
      title: '我的考试',
      menu: { group: 'exams-group', order: 10 },
      home: { title: '我的考试', desc: '在线考试、成绩与执法资格', order: 52, icon: EditPen },
    },
  },
  {
    path: '/exams/take/:id(\\d+)',
    name: 'exams-take',
    component: () => import('./views/TakeView.vue'),
    meta: { perm: 'exam.take', title: '考试作答', activeMenu: 'exams-mine' },
  },
  {
    path: '/exams/attempts/:id(\\d+)',
    name: 'exams-attempt',
    component: () => import('./views/AttemptView.vue'),
    meta: { perm: 'exam.take', title: '答卷', activeMenu: 'exams-mine' },
  },
  {
    path: '/exams/bank',
    name: 'exams-bank',
    component: () => import('./views/BankView.vue'),
    meta: { perm: 'exam.manage', title: '题库', menu: { group: 'exams-group', order: 20 } },
  },
  {
    path: '/exams/manage',
    name: 'exams-manage',
    component: () => import('./views/ExamsView.vue'),
    meta: { perm: 'exam.manage', title: '组卷与考试', menu: { group: 'exams-group', order: 30 } },
  },
  {
    path: '/exams/:id(\\d+)/results',
    name: 'exams-results',
    component: () => import('./views/ResultsView.vue'),
    meta: { perm: 'exam.manage', title: '成绩与分析', activeMenu: 'exams-manage' },
  },
  {
    path: '/exams/review/:id(\\d+)',
    name: 'exams-review',
    component: () => import('./views/AttemptView.vue'),
    meta: { perm: 'exam.manage', title: '答卷详情', activeMenu: 'exams-manage' },
  },
  {
    path: '/exams/marking',
    name: 'exams-marking',
    component: () => import('./views/MarkingView.vue'),
    meta: { perm: 'exam.mark', title: '阅卷', menu: { group: 'exams-group', order: 40 } },
  },
  {
    path: '/exams/qualifications',
    name: 'exams-qualifications',
    component: () => import('./views/QualificationsView.vue'),
    meta: { perm: 'exam.take', title: '执法资格', menu: { group: 'exams-group', order: 50 } },
  },
]
